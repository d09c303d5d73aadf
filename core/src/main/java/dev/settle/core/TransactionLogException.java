package dev.settle.core;

import org.jspecify.annotations.Nullable;

/**
 * The transaction log could not store or read records. When an append fails before a decision is
 * durable, the coordinator must not act on that decision: the transaction is presumed aborted.
 */
public class TransactionLogException extends SettleException {
  private static final long serialVersionUID = 1L;

  /** A log failure, with its cause. */
  public TransactionLogException(String message, @Nullable Throwable cause) {
    super(null, message, cause);
  }
}
