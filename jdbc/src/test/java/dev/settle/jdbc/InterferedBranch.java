package dev.settle.jdbc;

import dev.settle.core.ParticipantTimeoutException;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A 2PC branch whose calls the test interferes with, as a paused process or a lost network does:
 * its commits can go unanswered (the coordinator is cut off right after its decision), and its
 * prepare can be held until the test lets it go. Everything else goes to the real participant.
 */
final class InterferedBranch implements TwoPhaseParticipant {
  private final TwoPhaseParticipant real;
  private final boolean commitsUnanswered;
  final CountDownLatch prepareEntered = new CountDownLatch(1);
  final CountDownLatch prepareHeld;

  private InterferedBranch(TwoPhaseParticipant real, boolean commitsUnanswered, boolean holdPrepare) {
    this.real = real;
    this.commitsUnanswered = commitsUnanswered;
    this.prepareHeld = new CountDownLatch(holdPrepare ? 1 : 0);
  }

  /** Commits that never get an answer back. */
  static InterferedBranch commitsUnanswered(TwoPhaseParticipant real) {
    return new InterferedBranch(real, true, false);
  }

  /** A prepare that waits for {@link #prepareHeld} to count down. */
  static InterferedBranch prepareHeld(TwoPhaseParticipant real) {
    return new InterferedBranch(real, false, true);
  }

  @Override
  public String name() {
    return real.name();
  }

  @Override
  public void begin(TwoPhaseContext context) {
    real.begin(context);
  }

  @Override
  public void end(TwoPhaseContext context, boolean success) {
    real.end(context, success);
  }

  @Override
  public Vote prepare(TwoPhaseContext context) {
    prepareEntered.countDown();
    try {
      if (!prepareHeld.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("prepare held too long");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return real.prepare(context);
  }

  @Override
  public void commit(TwoPhaseContext context, boolean onePhase) {
    if (commitsUnanswered) {
      throw new ParticipantTimeoutException(context.transactionId(), context.branchId(), "the commit was never answered");
    }
    real.commit(context, onePhase);
  }

  @Override
  public void rollback(TwoPhaseContext context) {
    real.rollback(context);
  }
}
