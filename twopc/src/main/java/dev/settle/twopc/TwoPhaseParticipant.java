package dev.settle.twopc;

import dev.settle.core.Participant;

/**
 * One resource in a two-phase commit, typically a database through XA ({@link
 * dev.settle.twopc.xa.XaParticipant}).
 *
 * <p>Commit and rollback must be idempotent per branch, and rollback must succeed for a branch the
 * resource never heard of (presumed abort sends it to every branch that may have prepared).
 */
public interface TwoPhaseParticipant extends Participant {
  /**
   * Called once the branch is enlisted, before the caller's work runs (XA: {@code start}). A
   * throw aborts the transaction.
   */
  default void begin(TwoPhaseContext context) {}

  /**
   * Called after the caller's work, before prepare (XA: {@code end}).
   *
   * @param success whether the work completed; false means the branch will be rolled back
   */
  default void end(TwoPhaseContext context, boolean success) {}

  /** Votes: make the branch durable and ready to commit, or refuse. Throwing counts as abort. */
  Vote prepare(TwoPhaseContext context);

  /**
   * Commits the branch.
   *
   * @param onePhase true when this is the only participant: no prepare came first, and this
   *     call both prepares and commits
   */
  void commit(TwoPhaseContext context, boolean onePhase);

  /** Rolls the branch back; a no-op for an unknown or finished branch. */
  void rollback(TwoPhaseContext context);
}
