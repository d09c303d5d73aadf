package dev.settle.examples.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LedgerTest {
  @Test
  void invalidCommandsAreRejectedAndNeverApplied() {
    EventLog log = new EventLog(10);
    Ledger ledger = new Ledger(log);
    ledger.open("A", 100, 0);
    ledger.open("C", 0, 0);
    ledger.submit(new TransferCommand("A", "Z", 10, 1));
    ledger.submit(new TransferCommand("A", "A", 10, 2));
    ledger.submit(new TransferCommand("A", "C", 0, 3));
    ledger.submit(new TransferCommand("A", "C", 101, 4));
    ledger.submit(new TransferCommand("A", "C", 100, 5));
    assertThat(ledger.processAll()).isEqualTo(1);
    assertThat(ledger.rejections())
        .extracting(Ledger.Rejection::reason)
        .containsExactly(
            "unknown account Z",
            "same account A on both sides",
            "amount must be positive, was 0",
            "insufficient funds: A holds 100, needs 101");
    assertThat(ledger.balance("A")).isZero();
    assertThat(ledger.balance("C")).isEqualTo(100);
    assertThat(log.size()).isEqualTo(3); // two openings and one move
  }

  /** Replay at every point, with any snapshot interval, rebuilds what the live state was then. */
  @Test
  void replayAtEveryPointMatchesTheLiveHistory() {
    qt().withExamples(200)
        .forAll(integers().between(1, 20), integers().between(0, 300), longs().all())
        .checkAssert(LedgerTest::replayMatchesLiveHistory);
  }

  private static void replayMatchesLiveHistory(int snapshotEvery, int commands, long seed) {
    Random random = new Random(seed);
    EventLog log = new EventLog(snapshotEvery);
    Ledger ledger = new Ledger(log);
    for (int a = 0; a < 4; a++) {
      ledger.open("a" + a, 500, 0);
    }
    List<LedgerState> live = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < commands; i++) {
      ledger.submit(new TransferCommand("a" + random.nextInt(5), "a" + random.nextInt(4), random.nextInt(300) - 20, i + 1));
      ledger.processAll();
      live.add(ledger.state().copy());
      times.add((long) i + 1);
    }
    ReadModel readModel = new ReadModel(log);
    readModel.catchUp(Integer.MAX_VALUE);
    for (int i = 0; i < live.size(); i++) {
      LedgerState then = live.get(i);
      assertThat(log.replay((int) then.applied()).sameBalances(then)).isTrue();
      assertThat(log.replayUntil(times.get(i)).sameBalances(then)).isTrue();
      for (int a = 0; a < 4; a++) {
        assertThat(readModel.balanceAt(a, times.get(i))).isEqualTo(then.balance(a));
      }
    }
    long total = 0;
    for (int a = 0; a < 4; a++) {
      total += ledger.state().balance(a);
      assertThat(ledger.state().balance(a)).isNotNegative();
    }
    assertThat(total).isEqualTo(2_000);
  }

  @Test
  void theReadModelsLagIsVisibleUntilItCatchesUp() {
    EventLog log = new EventLog(100);
    Ledger ledger = new Ledger(log);
    ledger.open("A", 10, 0);
    ledger.open("C", 0, 0);
    ReadModel readModel = new ReadModel(log);
    ledger.submit(new TransferCommand("A", "C", 4, 5));
    ledger.processAll();
    assertThat(readModel.lag()).isEqualTo(3);
    assertThat(readModel.catchUp(2)).isEqualTo(2);
    assertThat(readModel.lag()).isEqualTo(1);
    readModel.catchUp(10);
    assertThat(readModel.balanceAt(1, 5)).isEqualTo(4);
    assertThat(readModel.balanceAt(1, 4)).isZero();
    assertThat(readModel.history(0)).extracting(ReadModel.Point::balance).containsExactly(10L, 6L);
    assertThatThrownBy(() -> readModel.balanceAt(7, 5)).hasMessageContaining("no account number 7");
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> new EventLog(0)).hasMessageContaining("--snapshot-every");
    Ledger ledger = new Ledger(new EventLog(1));
    ledger.open("A", 1, 0);
    assertThatThrownBy(() -> ledger.open("A", 1, 0)).hasMessageContaining("already exists");
    assertThatThrownBy(() -> ledger.open("B", -1, 0)).hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> ledger.balance("Q")).hasMessageContaining("unknown account Q");
    assertThatThrownBy(() -> LedgerRun.run(1, 10, 10, 1)).hasMessageContaining("--accounts");
  }

  @Test
  void aRunReplaysAndMatchesItsReadModel() {
    LedgerRun.Report report = LedgerRun.run(20, 20_000, 97, 5);
    assertThat(report.replayMatches()).isTrue();
    assertThat(report.readModelMatches()).isTrue();
    assertThat(report.rejected()).isPositive();
    assertThat(report.historicalChecks()).isPositive();
    assertThat(report.toJson()).startsWith("{\"commands\":20000,").contains("\"replayMatches\":true");
  }
}
