package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.FailureKind;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.InMemoryTransactionLog;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rolled-back 2PC outcome names what made it roll back: the branch whose prepare failed (with
 * its exception), the branch that voted abort (no exception: a vote is not a failure), or the work
 * (its exception, no branch).
 */
class RollbackCauseTest {
  private static final RuntimeException DISK_FULL = new IllegalStateException("disk full");

  private static TwoPhaseParticipant voting(String name, Vote vote, boolean throwOnPrepare) {
    return new TwoPhaseParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Vote prepare(TwoPhaseContext context) {
        if (throwOnPrepare) {
          throw DISK_FULL;
        }
        return vote;
      }

      @Override
      public void commit(TwoPhaseContext context, boolean onePhase) {}

      @Override
      public void rollback(TwoPhaseContext context) {}
    };
  }

  private static Outcome.RolledBack run(TwoPhaseTransaction transaction) {
    try (TwoPhaseCoordinator coordinator = TwoPhaseCoordinator.builder().log(new InMemoryTransactionLog()).build()) {
      Outcome outcome = coordinator.execute(transaction);
      assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
      return (Outcome.RolledBack) outcome;
    }
  }

  @Test
  void aFailedPrepareIsTheCause() {
    Outcome.RolledBack rolledBack =
        run(TwoPhaseTransaction.builder()
            .enlist("a", voting("a", Vote.PREPARED, false))
            .enlist("b", voting("b", Vote.PREPARED, true))
            .work(tx -> {})
            .build());
    assertThat(rolledBack.failedBranch()).isEqualTo(new BranchId("b"));
    assertThat(rolledBack.cause()).isSameAs(DISK_FULL);
  }

  @Test
  void anAbortVoteNamesTheBranchButIsNoException() {
    Outcome.RolledBack rolledBack =
        run(TwoPhaseTransaction.builder()
            .enlist("a", voting("a", Vote.PREPARED, false))
            .enlist("b", voting("b", Vote.ABORT, false))
            .work(tx -> {})
            .build());
    assertThat(rolledBack.failedBranch()).isEqualTo(new BranchId("b"));
    assertThat(rolledBack.cause()).isNull();
    assertThat(rolledBack.failureKind()).contains(FailureKind.BUSINESS_REFUSAL);
  }

  @Test
  void aRollbackPresumedAfterACrashIsTheCoordinatorsNotABranchs() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TransactionId tx = new TransactionId("crashed-before-deciding");
    log.append(
        List.of(new LogRecord.Begin(tx, "2pc", 0, Long.MAX_VALUE, "settle"),
            new LogRecord.BranchRegistered(tx, new BranchId("a"), "a", new byte[0])),
        true);
    try (TwoPhaseCoordinator coordinator =
        TwoPhaseCoordinator.builder().log(log).participant(voting("a", Vote.PREPARED, false)).build()) {
      assertThat(coordinator.recover())
          .singleElement()
          .satisfies(o -> assertThat(o.failureKind()).contains(FailureKind.COORDINATOR_CRASH));
    }
  }

  @Test
  void failedWorkIsTheCauseWithNoBranch() {
    IOException broken = new IOException("connection reset");
    Outcome.RolledBack rolledBack =
        run(TwoPhaseTransaction.builder()
            .enlist("a", voting("a", Vote.PREPARED, false))
            .enlist("b", voting("b", Vote.PREPARED, false))
            .work(tx -> {
              throw broken;
            })
            .build());
    assertThat(rolledBack.failedBranch()).isNull();
    assertThat(rolledBack.cause()).isSameAs(broken);
    assertThat(rolledBack.failureKind()).contains(FailureKind.PARTICIPANT_FAILURE);
  }
}
