package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.log.Explain;
import dev.settle.core.log.Explanation;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each cause of a TCC rollback, as Explain tells it from the log afterwards. */
class ExplainTest {
  private static TccParticipant account(String name, Runnable onTry) {
    return new TccParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void tryReserve(TccContext context) {
        onTry.run();
      }

      @Override
      public void confirm(TccContext context) {}

      @Override
      public void cancel(TccContext context) {}
    };
  }

  @Test
  void aTimeoutAFailureAndACrashAreEachExplained() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TccParticipant slow = account("slow", () -> sleep(Duration.ofMillis(300)));
    TccParticipant broken = account("broken", () -> {
      throw new IllegalStateException("disk full");
    });
    TransactionId crashed = new TransactionId("crashed-before-deciding");
    log.append(List.of(
        new LogRecord.Begin(crashed, "tcc", 0, Long.MAX_VALUE, "node-1"),
        new LogRecord.BranchRegistered(crashed, new BranchId("debit"), "broken", new byte[0])), true);
    try (TccCoordinator coordinator =
        TccCoordinator.builder().log(log).participant(broken).tryTimeout(Duration.ofMillis(50)).build()) {
      assertThat(coordinator.recover()).hasSize(1);
      var timedOut = coordinator.execute(TccTransaction.builder().branch("debit", slow, "x").build());
      var failed = coordinator.execute(TccTransaction.builder().branch("debit", broken, "x").build());

      Explanation crash = Explain.of(log, crashed).orElseThrow();
      assertThat(crash.outcome()).isEqualTo("rolled-back");
      assertThat(crash.reason()).contains("presumed abort");
      assertThat(crash.failedBranch()).isNull();

      Explanation timeout = Explain.of(log, timedOut.transactionId()).orElseThrow();
      assertThat(timeout.reason()).contains("timed out");
      assertThat(timeout.failedBranch()).isEqualTo(new BranchId("debit"));

      Explanation failure = Explain.of(log, failed.transactionId()).orElseThrow();
      assertThat(failure.reason()).contains("disk full");
      assertThat(failure.branches()).singleElement().satisfies(b -> assertThat(b.failure()).contains("disk full"));
      assertThat(failure.node()).isEqualTo("settle");
    }
  }

  @Test
  void theLogTellsWhenEachStepHappenedAndWhoFinishedTheTransaction() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TccParticipant slow = account("slow", () -> sleep(Duration.ofMillis(300)));
    TccParticipant quick = account("quick", () -> {});
    TransactionId orphan = new TransactionId("begun-by-node-1");
    log.append(List.of(
        new LogRecord.Begin(orphan, "tcc", System.currentTimeMillis(), Long.MAX_VALUE, "node-1"),
        new LogRecord.BranchRegistered(orphan, new BranchId("debit"), "quick", new byte[0])), true);
    try (TccCoordinator coordinator =
        TccCoordinator.builder().log(log).nodeName("node-2").participant(quick).tryTimeout(Duration.ofMillis(80)).build()) {
      assertThat(coordinator.recover()).hasSize(1);
      var timedOut = coordinator.execute(TccTransaction.builder().branch("debit", slow, "x").branch("credit", quick, "x").build());

      Explanation takenOver = Explain.of(log, orphan).orElseThrow();
      assertThat(takenOver.node()).isEqualTo("node-1");
      assertThat(takenOver.finishedBy()).as("recovered on another node").isEqualTo("node-2");

      Explanation slowOne = Explain.of(log, timedOut.transactionId()).orElseThrow();
      assertThat(slowOne.decidedMillis() - slowOne.startMillis())
          .as("the decision waited for the Try timeout")
          .isGreaterThanOrEqualTo(80);
      assertThat(slowOne.endedMillis()).isGreaterThanOrEqualTo(slowOne.decidedMillis());
      assertThat(slowOne.durationMillis()).isEqualTo(slowOne.endedMillis() - slowOne.startMillis());
      assertThat(slowOne.finishedBy()).isEqualTo("node-2");
      assertThat(slowOne.branches())
          .allSatisfy(b -> assertThat(b.history())
              .isNotEmpty()
              .allSatisfy(u -> assertThat(u.atMillis()).isGreaterThanOrEqualTo(slowOne.startMillis())));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
