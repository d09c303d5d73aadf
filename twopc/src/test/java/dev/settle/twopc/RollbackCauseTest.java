package dev.settle.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import java.io.IOException;
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
  }
}
