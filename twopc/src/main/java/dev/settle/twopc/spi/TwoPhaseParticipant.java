package dev.settle.twopc.spi;

import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;

import dev.settle.core.spi.Participant;

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
   * <p>How the coordinator reads what this call does:
   *
   * <ul>
   *   <li>returns: committed;
   *   <li>throws {@link dev.settle.core.HeuristicBranchException}: the resource decided on its own;
   *       its {@code applied()} state is logged, then {@link #forget} is called, and the branch is
   *       never sent anything again;
   *   <li>throws {@link dev.settle.core.ParticipantTimeoutException}: the outcome is unknown (the
   *       answer was lost, the resource failed mid-call); two-phase: retried; one-phase: the
   *       coordinator asks {@link #inquire} and reports in doubt if that cannot tell;
   *   <li>throws anything else: not committed. Two-phase: retried (commit must be idempotent).
   *       One-phase: the branch did not commit and is rolled back; throw {@code
   *       ParticipantTimeoutException} instead whenever the commit may have happened.
   * </ul>
   *
   * @param onePhase true when this is the only participant and it {@linkplain #answersInquiry()
   *     answers inquiries}: no prepare came first, and this call both prepares and commits
   */
  void commit(TwoPhaseContext context, boolean onePhase);

  /**
   * Rolls the branch back; a no-op for an unknown or finished branch. Heuristics and unknown
   * outcomes are reported as for {@link #commit}.
   */
  void rollback(TwoPhaseContext context);

  /**
   * Tells the resource to discard a heuristic outcome it reported (XA {@code forget}). Called
   * only after the coordinator has logged that outcome durably. Default: nothing to forget.
   */
  default void forget(TwoPhaseContext context) {}

  /**
   * What became of a branch whose one-phase commit had an unknown outcome (a lost answer, or a
   * coordinator crash during the call): {@link dev.settle.core.BranchState#COMMITTED}, {@link
   * dev.settle.core.BranchState#ROLLED_BACK}, or {@link dev.settle.core.BranchState#IN_DOUBT}
   * when the participant cannot tell (the default). The coordinator reports what this says and
   * never guesses: an answer of {@code IN_DOUBT} keeps the transaction in doubt, and every
   * recovery pass asks again.
   */
  default dev.settle.core.BranchState inquire(TwoPhaseContext context) {
    return dev.settle.core.BranchState.IN_DOUBT;
  }

  /**
   * Whether {@link #inquire} can tell what became of a one-phase commit. Only such a participant
   * gets the one-phase optimisation when it is alone in a transaction; any other single
   * participant is prepared and committed in two phases, so that a lost answer stays resolvable
   * (a prepared XA branch is listed by {@code recover}; a one-phase one is not). Default false.
   */
  default boolean answersInquiry() {
    return false;
  }
}
