package dev.settle.core;

import dev.settle.core.internal.check.Assert;
import java.time.Duration;

/**
 * The settings of a {@link RetryPolicy}: exponential backoff with jitter, a cap on attempts and a
 * cap on total time. {@link RetryPolicyBuilder} is the usual way to make one; a config made
 * directly (and so one passed to {@link RetryPolicy#of}) is checked by the same rules, with the
 * same messages, when it is constructed.
 *
 * @param maxAttempts how many attempts in all, the first included (at least 1)
 * @param baseDelay the delay before the second attempt, before jitter (not negative, at most
 *     {@code maxDelay})
 * @param maxDelay no single delay is longer (positive)
 * @param multiplier each delay is the previous one times this (a finite number, at least 1)
 * @param jitter the fraction of each delay drawn at random, from 0 (none) to 1 (a delay anywhere
 *     between 0 and its full length)
 * @param maxDuration no retry is started after this much time since the first attempt (positive)
 */
public record RetryPolicyConfig(
    int maxAttempts,
    Duration baseDelay,
    Duration maxDelay,
    double multiplier,
    double jitter,
    Duration maxDuration) {

  /**
   * Checks every setting.
   *
   * @throws IllegalArgumentException naming the first setting that is out of range
   * @throws NullPointerException if a duration is null
   */
  public RetryPolicyConfig {
    checkMaxAttempts(maxAttempts);
    checkBackoff(baseDelay, maxDelay);
    checkMultiplier(multiplier);
    checkJitter(jitter);
    checkMaxDuration(maxDuration);
  }

  // The builder checks each setter's argument with these at once, so both ways fail alike.

  static int checkMaxAttempts(int maxAttempts) {
    return Assert.atLeast(maxAttempts, 1, "maxAttempts");
  }

  static void checkBackoff(Duration base, Duration max) {
    Assert.notNegative(base, "base delay");
    Assert.positive(max, "max delay");
    Assert.isTrue(
        base.compareTo(max) <= 0, "base delay " + base + " must not exceed max delay " + max);
  }

  static double checkMultiplier(double multiplier) {
    Assert.isTrue(
        multiplier >= 1.0 && Double.isFinite(multiplier),
        "multiplier must be a finite number of at least 1, was " + multiplier);
    return multiplier;
  }

  static double checkJitter(double jitter) {
    return Assert.between(jitter, 0.0, 1.0, "jitter");
  }

  static Duration checkMaxDuration(Duration maxDuration) {
    return Assert.positive(maxDuration, "maxDuration");
  }
}
