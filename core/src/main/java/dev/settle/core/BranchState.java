package dev.settle.core;

/** Where one branch of a transaction stands, as the coordinator knows it. */
public enum BranchState {
  /** Enlisted; phase one not yet answered. */
  REGISTERED,
  /** Phase one started and has not answered yet: a saga step whose outcome is unknown until it ends. */
  STARTED,
  /** Phase one succeeded: 2PC voted prepared, a TCC Try succeeded, a saga step was applied. */
  PREPARED,
  /** 2PC voted read-only: the branch changed nothing and gets no phase two. */
  READ_ONLY,
  /** Phase one failed or its outcome is unknown (a timeout); the branch must be rolled back. */
  FAILED,
  /** Phase two finished forward: committed, confirmed. */
  COMMITTED,
  /** Phase two finished backward: rolled back, cancelled, compensated. */
  ROLLED_BACK,
  /** Phase two was retried until the retry policy was spent; recovery keeps trying. */
  IN_DOUBT,
  /**
   * Heuristic: the resource decided on its own and applied part of the branch one way and part
   * the other (XA {@code XA_HEURMIX}). Final: nothing more is sent; a human must repair it.
   */
  HEURISTIC_MIXED,
  /**
   * Heuristic hazard: the resource decided on its own and cannot say what it applied (XA {@code
   * XA_HEURHAZ}). Final: nothing more is sent; a human must check it.
   */
  HEURISTIC_HAZARD;

  /** Whether nothing more will be sent to this branch. */
  public boolean isFinal() {
    return this == READ_ONLY
        || this == COMMITTED
        || this == ROLLED_BACK
        || this == HEURISTIC_MIXED
        || this == HEURISTIC_HAZARD;
  }

  /** Whether this is one of the heuristic states, which only a human can settle. */
  public boolean isHeuristic() {
    return this == HEURISTIC_MIXED || this == HEURISTIC_HAZARD;
  }
}
