package dev.settle.core.internal;

import dev.settle.core.TransactionId;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts the transaction id into the slf4j MDC under {@value #KEY} for the duration of a block, so
 * every log line of a transaction (ours and the participant's) can be found by its id. Restores
 * whatever was there before, so nested transactions do not clobber each other.
 */
public final class MdcScope implements AutoCloseable {
  /** The MDC key holding the current transaction id. */
  public static final String KEY = "settle.tx";

  private final @Nullable String previous;

  private MdcScope(TransactionId tx) {
    this.previous = MDC.get(KEY);
    MDC.put(KEY, tx.value());
  }

  /** Opens a scope for {@code tx}; close it in a try-with-resources. */
  public static MdcScope open(TransactionId tx) {
    return new MdcScope(tx);
  }

  @Override
  public void close() {
    if (previous == null) {
      MDC.remove(KEY);
    } else {
      MDC.put(KEY, previous);
    }
  }
}
