package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Coordinator;
import dev.settle.core.LogClaimedException;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionIdGenerator;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A log serves one coordinator per protocol: a second one on the same log object is refused, so
 * that no coordinator ever recovers a transaction another is still running (issue 13, defect 11).
 */
class LogOwnershipTest {
  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void aSecondCoordinatorOfTheSameProtocolIsRefused(String protocol) {
    refusesASecond(ProtocolHarness.of(protocol));
  }

  private static <T> void refusesASecond(ProtocolHarness<T> harness) {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    Coordinator<T> first = harness.coordinator(log, TransactionIdGenerator.timeOrdered());
    assertThatThrownBy(() -> harness.coordinator(log, TransactionIdGenerator.timeOrdered()))
        .isInstanceOf(LogClaimedException.class)
        .hasMessageContaining("already serves a " + harness.protocol() + " coordinator")
        .hasMessageContaining("its own log");
    assertThat(harness.execute(first)).isInstanceOf(Outcome.Committed.class);
  }

  /**
   * The reported failure: while the first coordinator runs a transaction, a second one on the
   * same log recovers it, presumes abort and rolls it back, and the first then commits it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void noSecondCoordinatorRecoversATransactionTheFirstIsRunning(String protocol) {
    noRace(ProtocolHarness.of(protocol));
  }

  private static <T> void noRace(ProtocolHarness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Coordinator<T> first = harness.coordinator(log, TransactionIdGenerator.timeOrdered());
    List<Outcome> recoveredBySecond = new ArrayList<>();
    List<RuntimeException> refused = new ArrayList<>();
    harness.duringPhaseOne =
        () -> {
          try {
            recoveredBySecond.addAll(harness.coordinator(log, TransactionIdGenerator.timeOrdered()).recover());
          } catch (LogClaimedException e) {
            refused.add(e);
          }
        };
    Outcome outcome = harness.execute(first);

    assertThat(refused).hasSize(1);
    assertThat(recoveredBySecond).isEmpty();
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    // One decision per transaction: the strict replay would throw on a second, different one.
    assertThat(log.records()).filteredOn(r -> r instanceof LogRecord.Decided).hasSizeLessThanOrEqualTo(1);
    assertThat(LogReplay.all(log).get(outcome.transactionId()).ended()).isTrue();
    assertThat(harness.calls).noneMatch(call -> call.endsWith(":cancel") || call.endsWith(":rollback")
        || call.endsWith("unreserve") || call.endsWith("refund"));
  }

  @Test
  void coordinatorsOfDifferentProtocolsShareOneLog() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    for (String protocol : List.of("tcc", "2pc", "saga")) {
      runOn(ProtocolHarness.of(protocol), log);
    }
    assertThat(LogReplay.all(log)).hasSize(3).allSatisfy((id, image) -> assertThat(image.ended()).isTrue());
  }

  private static <T> void runOn(ProtocolHarness<T> harness, InMemoryTransactionLog log) {
    Coordinator<T> coordinator = harness.coordinator(log, TransactionIdGenerator.timeOrdered());
    assertThat(harness.execute(coordinator)).isInstanceOf(Outcome.Committed.class);
    assertThat(coordinator.recover()).isEmpty();
  }

  @Test
  void aCrashedProcessLeavesTheLogToItsSuccessor() {
    successorTakesOver(ProtocolHarness.of("tcc"));
  }

  private static <T> void successorTakesOver(ProtocolHarness<T> harness) {
    // The third append (the End, after the decision) kills the process.
    CrashingTransactionLog log = new CrashingTransactionLog(InMemoryTransactionLog.keepingHistory(), 3);
    assertThatThrownBy(() -> harness.execute(harness.coordinator(log, TransactionIdGenerator.timeOrdered())))
        .isInstanceOf(SimulatedCrash.class);
    log.revive(); // the process restarted: its successor takes the log over
    Coordinator<T> successor = harness.coordinator(log, TransactionIdGenerator.timeOrdered());
    assertThatThrownBy(() -> harness.coordinator(log, TransactionIdGenerator.timeOrdered()))
        .isInstanceOf(LogClaimedException.class);
    assertThat(successor.recover()).singleElement().satisfies(o -> assertThat(o.isClean()).isTrue());
  }
}
