package dev.settle.core;

import dev.settle.core.internal.check.Assert;
import dev.settle.core.RetryPolicy;
import dev.settle.core.RetryPolicyConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/** The backoff arithmetic of a {@link RetryPolicy}. */
final class RetryPolicyImpl implements RetryPolicy {
  private final RetryPolicyConfig config;

  RetryPolicyImpl(RetryPolicyConfig config) {
    this.config = Assert.notNull(config, "config");
  }

  @Override
  public RetryPolicyConfig config() {
    return config;
  }

  @Override
  public Optional<Duration> nextDelay(int attemptsMade, Duration elapsed, Random random) {
    Assert.atLeast(attemptsMade, 1, "attemptsMade");
    Assert.notNegative(elapsed, "elapsed");
    if (attemptsMade >= config.maxAttempts()) {
      return Optional.empty();
    }
    long remaining = config.maxDuration().toNanos() - elapsed.toNanos();
    if (remaining <= 0) {
      return Optional.empty();
    }
    double full =
        Math.min(
            config.maxDelay().toNanos(),
            config.baseDelay().toNanos() * Math.pow(config.multiplier(), attemptsMade - 1.0));
    // Jitter takes a random share off the delay, never adds: the cap stays a cap.
    double jittered = full * (1.0 - config.jitter() * random.nextDouble());
    long nanos = Math.min((long) jittered, remaining);
    return Optional.of(Duration.ofNanos(Math.max(0, nanos)));
  }

  @Override
  public String toString() {
    return "RetryPolicy" + config;
  }
}
