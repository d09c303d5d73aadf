package dev.settle.core.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor used when the caller gives none: a cached pool of daemon threads, shared by every
 * coordinator, so participant calls that block on I/O never starve each other and an idle
 * application is not kept alive by us.
 */
final class DefaultExecutor {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final ExecutorService SHARED =
      Executors.newCachedThreadPool(
          task -> {
            Thread t = new Thread(task, "settle-worker-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private DefaultExecutor() {}

  /** The shared pool. */
  public static ExecutorService shared() {
    return SHARED;
  }
}
