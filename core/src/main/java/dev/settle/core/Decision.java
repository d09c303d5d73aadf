package dev.settle.core;

/**
 * What the coordinator decided for a transaction, written to the log before any phase-two call
 * is sent. 2PC commits or rolls back; TCC confirms or cancels; a saga goes on or compensates.
 */
public enum Decision {
  /** Commit (2PC), confirm (TCC), or finish forward (saga). */
  COMMIT,
  /** Roll back (2PC), cancel (TCC), or compensate (saga). */
  ROLLBACK
}
