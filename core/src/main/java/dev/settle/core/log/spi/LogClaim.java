package dev.settle.core.log.spi;

/**
 * A coordinator's hold on a transaction log, from {@link TransactionLog#claim}. While it is held,
 * no other coordinator of the same protocol may use that log object. A coordinator takes it when it
 * is built and keeps it for its life; a crashed process's claims die with the process (a new
 * process opens the log afresh).
 */
public interface LogClaim {
  /** The protocol claimed ("2pc", "tcc", "saga"). */
  String protocol();

  /** Who holds the claim, as given to {@link TransactionLog#claim}. */
  String owner();

  /** Gives the claim up, so that another coordinator of the protocol may use the log. Idempotent. */
  void release();
}
