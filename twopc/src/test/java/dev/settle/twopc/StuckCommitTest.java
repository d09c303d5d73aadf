package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression test for issue 13, defects 3 and 5: a commit that never returns used to hang
 * {@code execute}; a one-phase commit whose answer is lost used to be rolled back and reported as
 * a clean rollback.
 */
class StuckCommitTest {
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void unblock() {
    release.countDown();
  }

  /** Prepares, then blocks in commit until the test ends (having committed, as far as we know). */
  private final class StuckNode implements TwoPhaseParticipant {
    private final String name;
    private final boolean knowsItCommitted;

    StuckNode(String name, boolean knowsItCommitted) {
      this.name = name;
      this.knowsItCommitted = knowsItCommitted;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Vote prepare(TwoPhaseContext context) {
      return Vote.PREPARED;
    }

    @Override
    public void commit(TwoPhaseContext context, boolean onePhase) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void rollback(TwoPhaseContext context) {}

    @Override
    public boolean answersInquiry() {
      return true;
    }

    @Override
    public BranchState inquire(TwoPhaseContext context) {
      return knowsItCommitted ? BranchState.COMMITTED : BranchState.IN_DOUBT;
    }
  }

  private static TwoPhaseCoordinator coordinator() {
    return TwoPhaseCoordinator.builder()
        .log(new InMemoryTransactionLog())
        .callTimeout(Duration.ofMillis(200))
        .phaseTwoRetry(RetryPolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build())
        .build();
  }

  @Test
  void aCommitThatNeverReturnsIsReportedInDoubtWithinTheCallTimeouts() {
    TwoPhaseTransaction tx =
        TwoPhaseTransaction.builder()
            .enlist("a", new StuckNode("a", false))
            .enlist("b", new StuckNode("b", false))
            .work(id -> {})
            .build();

    long start = System.nanoTime();
    Outcome outcome = coordinator().execute(tx);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(millis).as("returned after %d ms", millis).isLessThan(10_000);
  }

  @Test
  void aOnePhaseCommitWithALostAnswerIsInDoubtUnlessTheParticipantCanTell() {
    Outcome unknown =
        coordinator()
            .execute(TwoPhaseTransaction.builder().enlist("a", new StuckNode("a", false)).work(id -> {}).build());
    assertThat(unknown).isInstanceOf(Outcome.InDoubt.class);
    assertThat(unknown.branches()).containsEntry(BranchId.of("a"), BranchState.IN_DOUBT);

    Outcome told =
        coordinator()
            .execute(TwoPhaseTransaction.builder().enlist("a", new StuckNode("a", true)).work(id -> {}).build());
    assertThat(told).isInstanceOf(Outcome.Committed.class);
  }
}
