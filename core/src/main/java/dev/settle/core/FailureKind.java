package dev.settle.core;

/**
 * Why a transaction did not commit cleanly, in the few kinds operators count apart (Narayana splits
 * aborts the same way). Read it from {@link Outcome#failureKind()}.
 */
public enum FailureKind {
  /**
   * A participant declined on business grounds: a {@link BusinessRefusalException}, or a 2PC
   * branch that voted abort. The system worked; the answer was no.
   */
  BUSINESS_REFUSAL,
  /** A participant (or 2PC work) failed: it threw, or answered what it must not. */
  PARTICIPANT_FAILURE,
  /**
   * An answer did not come in time ({@link ParticipantTimeoutException}), or came too late to be
   * taken (a Try the fence refused after its deadline or after its Cancel).
   */
  TIMEOUT,
  /**
   * The coordinator stopped (a crash, a kill, a lost log append) before it decided; recovery rolled
   * the transaction back under presumed abort.
   */
  COORDINATOR_CRASH,
  /**
   * A resource decided on its own against the coordinator ({@link Outcome.Mixed}): needs a
   * person.
   */
  HEURISTIC
}
