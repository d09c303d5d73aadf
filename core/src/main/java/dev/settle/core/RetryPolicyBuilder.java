package dev.settle.core;

import java.time.Duration;

/**
 * Builds a {@link RetryPolicy}. Every setter checks its argument at once, so a bad value fails
 * where it is written. The builder can be reused: {@link #build()} copies its settings.
 */
public final class RetryPolicyBuilder {
  private int maxAttempts = 8;
  private Duration baseDelay = Duration.ofMillis(10);
  private Duration maxDelay = Duration.ofSeconds(1);
  private double multiplier = 2.0;
  private double jitter = 0.5;
  private Duration maxDuration = Duration.ofSeconds(30);

  RetryPolicyBuilder() {}

  /** Attempts in all, the first included; at least 1. */
  public RetryPolicyBuilder maxAttempts(int maxAttempts) {
    this.maxAttempts = RetryPolicyConfig.checkMaxAttempts(maxAttempts);
    return this;
  }

  /** The first delay and the cap on any delay; {@code base} must not exceed {@code max}. */
  public RetryPolicyBuilder backoff(Duration base, Duration max) {
    RetryPolicyConfig.checkBackoff(base, max);
    this.baseDelay = base;
    this.maxDelay = max;
    return this;
  }

  /** Each delay is the previous one times {@code multiplier}; at least 1 (1 = fixed delay). */
  public RetryPolicyBuilder multiplier(double multiplier) {
    this.multiplier = RetryPolicyConfig.checkMultiplier(multiplier);
    return this;
  }

  /** The random fraction of each delay, from 0 to 1; spreads out retries of many callers. */
  public RetryPolicyBuilder jitter(double jitter) {
    this.jitter = RetryPolicyConfig.checkJitter(jitter);
    return this;
  }

  /** No retry starts later than this after the first attempt. */
  public RetryPolicyBuilder maxDuration(Duration maxDuration) {
    this.maxDuration = RetryPolicyConfig.checkMaxDuration(maxDuration);
    return this;
  }

  /** Returns an immutable policy with the current settings. */
  public RetryPolicy build() {
    return RetryPolicy.of(
        new RetryPolicyConfig(maxAttempts, baseDelay, maxDelay, multiplier, jitter, maxDuration));
  }
}
