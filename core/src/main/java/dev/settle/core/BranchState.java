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
  IN_DOUBT;

  /** Whether nothing more will be sent to this branch. */
  public boolean isFinal() {
    return this == READ_ONLY || this == COMMITTED || this == ROLLED_BACK;
  }
}
