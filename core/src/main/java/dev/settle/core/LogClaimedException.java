package dev.settle.core;

/**
 * A coordinator was built on a transaction log that already serves another coordinator of the same
 * protocol. Two coordinators on one log would each take the other's unfinished transactions for
 * crashed ones: one recovers (and under presumed abort rolls back) a transaction the other is
 * still committing, and the log ends up with two decisions for it. Give each coordinator its own
 * log, or use a shared log built for several coordinators, one that fences every write by
 * ownership.
 */
public final class LogClaimedException extends SettleException {
  private static final long serialVersionUID = 1L;

  /** A refusal; {@code message} names the log, the protocol and the coordinator holding it. */
  public LogClaimedException(String message) {
    super(null, message);
  }
}
