package dev.settle.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Settle throws on purpose. Unchecked; carries the transaction id
 * when there is one, so a handler can log it or look the transaction up.
 */
public class SettleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable TransactionId transactionId;

  /** An exception about the given transaction, or about none. */
  public SettleException(@Nullable TransactionId transactionId, String message) {
    this(transactionId, message, null);
  }

  /** An exception about the given transaction, or about none, with its cause. */
  public SettleException(
      @Nullable TransactionId transactionId, String message, @Nullable Throwable cause) {
    super(transactionId == null ? message : "[" + transactionId + "] " + message, cause);
    this.transactionId = transactionId;
  }

  /** The transaction this is about, or null when it is about none in particular. */
  public @Nullable TransactionId transactionId() {
    return transactionId;
  }
}
