package dev.settle.core.event;

/**
 * Every state change a coordinator reports. Transaction-level types have no branch; branch-level
 * types name the branch. 2PC, TCC and saga share the same phase names: prepare means Try in TCC
 * and a step's action in a saga; commit means confirm; rollback means cancel or compensate.
 */
public enum EventType {
  /** A transaction was started and logged. */
  TRANSACTION_BEGUN,
  /** A branch joined the transaction. */
  BRANCH_REGISTERED,
  /** A branch's phase one started (prepare, Try, saga action). */
  BRANCH_PREPARING,
  /** A branch's phase one succeeded. */
  BRANCH_PREPARED,
  /** A branch voted read-only and gets no phase two. */
  BRANCH_READ_ONLY,
  /** A branch's phase one failed or timed out. */
  BRANCH_FAILED,
  /** The decision to commit was logged durably. */
  DECIDED_COMMIT,
  /** The decision to roll back was logged durably. */
  DECIDED_ROLLBACK,
  /** A branch acknowledged commit (confirm, saga step kept). */
  BRANCH_COMMITTED,
  /** A branch acknowledged rollback (cancel, compensation). */
  BRANCH_ROLLED_BACK,
  /** A phase-two call failed and will be retried. */
  BRANCH_RETRYING,
  /** A phase-two call was not acknowledged after every retry; recovery will keep trying. */
  BRANCH_IN_DOUBT,
  /**
   * A branch reported a heuristic outcome of its own (the detail says what it applied). It is
   * logged, forgotten at the resource, and never sent again; a human may have to repair it.
   */
  BRANCH_HEURISTIC,
  /** The transaction ended committed. */
  TRANSACTION_COMMITTED,
  /** The transaction ended rolled back. */
  TRANSACTION_ROLLED_BACK,
  /** The transaction ended heuristic or in doubt. */
  TRANSACTION_HEURISTIC,
  /**
   * Recovery picked up an unfinished transaction from the log. The detail starts with {@code
   * resumed} when this coordinator's node began the transaction, or with {@code taken over from
   * node NAME} when another node did (a shared log's takeover, or a restart under a new name).
   */
  TRANSACTION_RECOVERING,
  /**
   * Recovery found a transaction whose logged records contradict each other or are damaged, and
   * set it aside: it is never driven, and needs a person ({@link
   * dev.settle.core.log.LogReplay#scan} lists its records). Repeated on every recovery pass while
   * the transaction stays in the log.
   */
  TRANSACTION_QUARANTINED,
  /**
   * This coordinator instance no longer owns the transaction in its shared log: another node took
   * it over after this instance's lease ran out, or a newer instance under the same node name
   * superseded this one. This instance stops driving it, forgets it and reports no outcome for it;
   * the new owner finishes it. See {@link dev.settle.core.OwnershipLostException}.
   */
  OWNERSHIP_LOST
}
