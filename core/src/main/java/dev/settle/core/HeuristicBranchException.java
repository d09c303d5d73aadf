package dev.settle.core;

import dev.settle.core.internal.check.Assert;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a participant's phase-two call (commit, confirm, cancel, compensate) to report that
 * the branch did not simply follow the decision: the resource decided on its own (an XA
 * heuristic), or it finished the other way. The coordinator never retries it. It logs the
 * branch's {@linkplain #applied() applied state} durably, then calls the participant's {@code
 * forget} where the protocol has one, and reports {@link Outcome.Mixed} when the applied state
 * contradicts the decision.
 */
public class HeuristicBranchException extends ParticipantException {
  private static final long serialVersionUID = 1L;

  private final BranchState applied;

  /**
   * A branch that ended in {@code applied}.
   *
   * @param applied what the resource did: {@link BranchState#COMMITTED}, {@link
   *     BranchState#ROLLED_BACK}, {@link BranchState#HEURISTIC_MIXED} or {@link
   *     BranchState#HEURISTIC_HAZARD}
   * @throws IllegalArgumentException for any other state
   */
  public HeuristicBranchException(
      @Nullable TransactionId transactionId,
      @Nullable BranchId branchId,
      BranchState applied,
      String message,
      @Nullable Throwable cause) {
    super(transactionId, branchId, message, cause);
    Assert.notNull(applied, "applied");
    Assert.isTrue(
        applied == BranchState.COMMITTED
            || applied == BranchState.ROLLED_BACK
            || applied.isHeuristic(),
        "a heuristic branch ends COMMITTED, ROLLED_BACK, HEURISTIC_MIXED or HEURISTIC_HAZARD, not "
            + applied);
    this.applied = applied;
  }

  /** What the resource applied to the branch. */
  public BranchState applied() {
    return applied;
  }

  /** A heuristic. */
  @Override
  public FailureKind kind() {
    return FailureKind.HEURISTIC;
  }
}
