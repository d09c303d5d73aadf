package dev.settle.core.internal;

import dev.settle.core.TransactionId;
import org.jspecify.annotations.Nullable;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Puts the transaction id into the slf4j MDC under {@value #KEY} for the duration of a block, so
 * every log line of a transaction (ours and the participant's) can be found by its id. Restores
 * whatever was there before, so nested transactions do not clobber each other.
 *
 * <p>A call run on another thread ({@link #onWorker}) also takes the calling thread's MDC with it:
 * the application's correlation keys, and a tracer's {@code traceId} and {@code spanId}, follow the
 * transaction onto the threads that call its participants (the HTTP participants send them on as a
 * W3C {@code traceparent}).
 */
public final class MdcScope implements AutoCloseable {
  /** The MDC key holding the current transaction id. */
  public static final String KEY = "settle.tx";

  private final @Nullable String previous;
  /** The worker thread's whole MDC before a worker scope replaced it; null for a plain scope. */
  private final @Nullable Map<String, String> previousContext;
  private final boolean worker;

  private MdcScope(TransactionId tx, @Nullable Map<String, String> callerContext, boolean worker) {
    this.worker = worker;
    if (worker) {
      this.previousContext = MDC.getCopyOfContextMap();
      this.previous = null;
      if (callerContext == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(callerContext);
      }
    } else {
      this.previousContext = null;
      this.previous = MDC.get(KEY);
    }
    MDC.put(KEY, tx.value());
  }

  /** Opens a scope for {@code tx}; close it in a try-with-resources. */
  public static MdcScope open(TransactionId tx) {
    return new MdcScope(tx, null, false);
  }

  /**
   * The calling thread's MDC, to hand to {@link #onWorker} in a task submitted from it; null when
   * it is empty.
   */
  public static @Nullable Map<String, String> callerContext() {
    return MDC.getCopyOfContextMap();
  }

  /**
   * Opens a scope for {@code tx} on a worker thread, with {@code callerContext} (from {@link
   * #callerContext} on the submitting thread) as its MDC; closing it gives the worker its own MDC
   * back.
   */
  public static MdcScope onWorker(TransactionId tx, @Nullable Map<String, String> callerContext) {
    return new MdcScope(tx, callerContext, true);
  }

  @Override
  public void close() {
    if (worker) {
      Map<String, String> before = previousContext;
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    } else if (previous == null) {
      MDC.remove(KEY);
    } else {
      MDC.put(KEY, previous);
    }
  }
}
