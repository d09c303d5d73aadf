package dev.settle.core;

import java.time.Duration;

/**
 * How a coordinator waits between retries. The system scheduler blocks the calling thread; a
 * simulation's scheduler advances virtual time instead, which lets thousands of transactions
 * with backoff run in one thread in milliseconds and replay exactly from a seed.
 */
@FunctionalInterface
public interface Scheduler {
  /**
   * Waits for {@code delay}.
   *
   * @throws SettleException if the waiting thread is interrupted (the interrupt flag is kept)
   */
  void pause(Duration delay);

  /** The scheduler that blocks the calling thread with {@link Thread#sleep}. */
  static Scheduler system() {
    return delay -> {
      try {
        Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SettleException(null, "interrupted while waiting to retry", e);
      }
    };
  }
}
