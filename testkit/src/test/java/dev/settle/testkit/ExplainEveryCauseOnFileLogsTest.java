package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.BusinessRefusalException;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.log.Explain;
import dev.settle.core.log.Explanation;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.saga.spi.StepAction;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.spi.Vote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every cause of a rolled-back or heuristic outcome, for each protocol, explained from a real file
 * log after the fact (the log reopened, as the CLI reads it): a business refusal, a participant
 * failure, a timeout, a coordinator crash (presumed abort) and a heuristic answer. Sagas have no
 * heuristic outcome (a compensation is retried until it succeeds).
 */
class ExplainEveryCauseOnFileLogsTest {
  private static final Duration SHORT = Duration.ofMillis(100);
  private static final TransactionId CRASHED = new TransactionId("crashed-before-deciding");

  @Test
  void tcc(@TempDir Path dir) {
    Outcome refused, failed, timedOut, mixed;
    beganAndCrashed(dir, "tcc", "ok");
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open();
        TccCoordinator tcc =
            TccCoordinator.builder().log(log).nodeName("n1").tryTimeout(SHORT).phaseTwoRetry(RetryPolicy.none())
                .participant(tcc("ok", () -> {}, false)).build()) {
      assertThat(tcc.recover()).hasSize(1);
      refused = tcc.execute(one(tcc("refusing", () -> { throw new BusinessRefusalException("insufficient funds"); }, false)));
      failed = tcc.execute(one(tcc("broken", () -> { throw new IllegalStateException("disk full"); }, false)));
      timedOut = tcc.execute(one(tcc("slow", () -> sleep(Duration.ofMillis(400)), false)));
      mixed = tcc.execute(one(tcc("rogue", () -> {}, true)));
    }
    try (FileTransactionLog reopened = FileTransactionLog.builder(dir).open()) {
      expectEveryCause(reopened, refused, failed, timedOut, mixed, "insufficient funds", "disk full");
    }
  }

  @Test
  void twoPhaseCommit(@TempDir Path dir) {
    Outcome refused, failed, timedOut, mixed;
    beganAndCrashed(dir, "2pc", "ok");
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open();
        TwoPhaseCoordinator twoPc =
            TwoPhaseCoordinator.builder().log(log).nodeName("n1").prepareTimeout(SHORT).phaseTwoRetry(RetryPolicy.none())
                .participant(resource("ok", () -> {}, false)).build()) {
      assertThat(twoPc.recover()).hasSize(1);
      TwoPhaseParticipant fine = resource("fine", () -> {}, false);
      refused = twoPc.execute(two(fine, resource("refusing", () -> { throw new BusinessRefusalException("insufficient funds"); }, false)));
      failed = twoPc.execute(two(fine, resource("broken", () -> { throw new IllegalStateException("disk full"); }, false)));
      timedOut = twoPc.execute(two(fine, resource("slow", () -> sleep(Duration.ofMillis(400)), false)));
      mixed = twoPc.execute(two(fine, resource("rogue", () -> {}, true)));
    }
    try (FileTransactionLog reopened = FileTransactionLog.builder(dir).open()) {
      expectEveryCause(reopened, refused, failed, timedOut, mixed, "insufficient funds", "disk full");
    }
  }

  @Test
  void saga(@TempDir Path dir) {
    Outcome refused, failed, timedOut;
    SagaDefinition refusing = saga("refusing", ctx -> { throw new BusinessRefusalException("insufficient funds"); });
    SagaDefinition broken = saga("broken", ctx -> { throw new IllegalStateException("disk full"); });
    SagaDefinition slow = saga("slow", ctx -> sleep(Duration.ofMillis(400)));
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open();
        SagaCoordinator sagas =
            SagaCoordinator.builder().log(log).nodeName("n1").callTimeout(SHORT)
                .definition(refusing).definition(broken).definition(slow).build()) {
      refused = sagas.execute(SagaRequest.of(refusing));
      failed = sagas.execute(SagaRequest.of(broken));
      timedOut = sagas.execute(SagaRequest.of(slow));
    }
    try (FileTransactionLog reopened = FileTransactionLog.builder(dir).open()) {
      expectRolledBack(reopened, refused, "insufficient funds");
      expectRolledBack(reopened, failed, "disk full");
      Explanation slowOne = expectRolledBack(reopened, timedOut, "");
      assertThat(slowOne.reason()).containsAnyOf("timed out", "did not answer");
    }
  }

  private static void expectEveryCause(
      FileTransactionLog log, Outcome refused, Outcome failed, Outcome timedOut, Outcome mixed, String refusal, String failure) {
    Explanation crash = Explain.of(log, CRASHED).orElseThrow();
    assertThat(crash.outcome()).isEqualTo("rolled-back");
    assertThat(crash.reason()).contains("presumed abort");
    assertThat(crash.node()).isEqualTo("n0");
    assertThat(crash.finishedBy()).as("recovered by the next process, under its name").isEqualTo("n1");

    expectRolledBack(log, refused, refusal);
    expectRolledBack(log, failed, failure);
    Explanation slow = expectRolledBack(log, timedOut, "");
    assertThat(slow.reason()).containsAnyOf("timed out", "did not answer");
    assertThat(slow.decidedMillis() - slow.startMillis()).as("the decision waited for the timeout").isGreaterThanOrEqualTo(SHORT.toMillis());

    Explanation heuristic = Explain.of(log, mixed.transactionId()).orElseThrow();
    assertThat(heuristic.outcome()).isEqualTo("heuristic");
    assertThat(heuristic.branches()).anySatisfy(b -> assertThat(b.state()).isEqualTo(BranchState.ROLLED_BACK));
  }

  private static Explanation expectRolledBack(FileTransactionLog log, Outcome outcome, String why) {
    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    Explanation e = Explain.of(log, outcome.transactionId()).orElseThrow();
    assertThat(e.outcome()).isEqualTo("rolled-back");
    assertThat(e.reason()).contains(why);
    assertThat(e.failedBranch()).isNotNull();
    assertThat(e.finishedBy()).isEqualTo("n1");
    assertThat(e.durationMillis()).isGreaterThanOrEqualTo(0);
    return e;
  }

  /** A transaction begun by node n0, which died before deciding: the log as the crash left it. */
  private static void beganAndCrashed(Path dir, String protocol, String participant) {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(
          List.of(
              new LogRecord.Begin(CRASHED, protocol, System.currentTimeMillis(), Long.MAX_VALUE, "n0"),
              new LogRecord.BranchRegistered(CRASHED, new BranchId("only"), participant, new byte[0])),
          true);
    }
  }

  private static TccTransaction one(TccParticipant p) {
    return TccTransaction.builder().branch("only", p, new byte[0]).build();
  }

  private static TwoPhaseTransaction two(TwoPhaseParticipant first, TwoPhaseParticipant second) {
    return TwoPhaseTransaction.builder().enlist("first", first).enlist("second", second).build();
  }

  private static TccParticipant tcc(String name, Runnable onTry, boolean confirmRollsBack) {
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
      public void confirm(TccContext context) {
        if (confirmRollsBack) {
          throw new HeuristicBranchException(
              context.transactionId(), context.branchId(), BranchState.ROLLED_BACK, "rolled back on its own", null);
        }
      }

      @Override
      public void cancel(TccContext context) {}
    };
  }

  private static TwoPhaseParticipant resource(String name, Runnable onPrepare, boolean commitRollsBack) {
    return new TwoPhaseParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Vote prepare(TwoPhaseContext context) {
        onPrepare.run();
        return Vote.PREPARED;
      }

      @Override
      public void commit(TwoPhaseContext context, boolean onePhase) {
        if (commitRollsBack) {
          throw new HeuristicBranchException(
              context.transactionId(), context.branchId(), BranchState.ROLLED_BACK, "rolled back on its own", null);
        }
      }

      @Override
      public void rollback(TwoPhaseContext context) {}
    };
  }

  private static SagaDefinition saga(String name, StepAction failing) {
    return SagaDefinition.builder(name).step("reserve", ctx -> {}, ctx -> {}).step("pay", failing, ctx -> {}).build();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
