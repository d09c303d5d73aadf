package dev.settle.core.internal;

import dev.settle.core.RetryPolicy;
import dev.settle.core.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Runs a call until it succeeds or a {@link RetryPolicy} is spent. Only runtime exceptions are
 * retried: an {@link Error} (out of memory, or a simulated crash) passes straight through, as a
 * crash would.
 */
public final class Retrier {
  /** Told about each failed attempt that will be retried. */
  @FunctionalInterface
  public interface RetryListener {
    /** Attempt {@code attempt} failed with {@code failure}; the next starts after {@code delay}. */
    void onRetry(int attempt, RuntimeException failure, Duration delay);
  }

  /**
   * How a retried call ended.
   *
   * @param succeeded whether an attempt succeeded
   * @param attempts attempts made
   * @param lastFailure the last failure when none succeeded
   */
  public record Result(boolean succeeded, int attempts, @Nullable RuntimeException lastFailure) {}

  private final RetryPolicy policy;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Random random;

  public Retrier(RetryPolicy policy, Clock clock, Scheduler scheduler, Random random) {
    this.policy = policy;
    this.clock = clock;
    this.scheduler = scheduler;
    this.random = random;
  }

  /** Runs {@code call} until it returns normally or the policy is spent. */
  public Result run(Runnable call, RetryListener listener) {
    return run(call, listener, failure -> true);
  }

  /**
   * Runs {@code call} until it returns normally, the policy is spent, or it fails with an
   * exception that {@code retryable} rejects (returned at once as the last failure).
   */
  public Result run(Runnable call, RetryListener listener, Predicate<RuntimeException> retryable) {
    long start = clock.millis();
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        call.run();
        return new Result(true, attempts, null);
      } catch (RuntimeException e) {
        // An interrupted thread stops retrying: its caller wants control back, and recovery
        // (or the next pass) finishes what is left.
        if (!retryable.test(e) || Thread.currentThread().isInterrupted()) {
          return new Result(false, attempts, e);
        }
        Duration elapsed = Duration.ofMillis(Math.max(0, clock.millis() - start));
        Optional<Duration> delay = policy.nextDelay(attempts, elapsed, random);
        if (delay.isEmpty()) {
          return new Result(false, attempts, e);
        }
        listener.onRetry(attempts, e, delay.get());
        scheduler.pause(delay.get());
      }
    }
  }
}
