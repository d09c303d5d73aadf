package dev.settle.http.internal;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Runs tasks on another executor and lets each ask how long ago it was handed over. The JDK HTTP
 * server hands a request to its executor as soon as the request's bytes arrive, so a handler that
 * asks first thing learns how long the request sat in the queue behind busy threads.
 */
public final class QueueTimedExecutor implements Executor {
  private static final ThreadLocal<Long> HANDED_OVER = new ThreadLocal<>();

  private final Executor threads;

  /** Runs tasks on {@code threads}. */
  public QueueTimedExecutor(Executor threads) {
    this.threads = threads;
  }

  @Override
  public void execute(Runnable task) {
    long handedOver = System.nanoTime();
    threads.execute(
        () -> {
          HANDED_OVER.set(handedOver);
          try {
            task.run();
          } finally {
            HANDED_OVER.remove();
          }
        });
  }

  /**
   * The time since the task running on this thread was handed over; zero when it did not come
   * through a {@code QueueTimedExecutor}.
   */
  public static Duration sinceHandOver() {
    Long handedOver = HANDED_OVER.get();
    return handedOver == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - handedOver));
  }
}
