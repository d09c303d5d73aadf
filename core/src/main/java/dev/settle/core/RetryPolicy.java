package dev.settle.core;

import dev.settle.core.internal.check.Assert;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * When and how often a failed call is tried again: exponential backoff with jitter, bounded by a
 * number of attempts and an overall deadline. Immutable; build one with {@link #builder()}.
 *
 * <p>Phase two (commit, confirm, cancel, compensate) is retried under this policy until it is
 * acknowledged. When the policy is spent the branch is reported in doubt, never dropped, and
 * recovery starts the policy afresh.
 */
public interface RetryPolicy {
  /** A builder starting from the defaults of {@link #ofDefaults()}. */
  static RetryPolicyBuilder builder() {
    return new RetryPolicyBuilder();
  }

  /**
   * The defaults: 8 attempts, 10 ms doubling up to 1 s, half of each delay random, at most 30 s in
   * all.
   */
  static RetryPolicy ofDefaults() {
    return builder().build();
  }

  /** A policy that makes one attempt and never retries. */
  static RetryPolicy none() {
    return builder().maxAttempts(1).build();
  }

  /** The settings this policy was built with. */
  RetryPolicyConfig config();

  /**
   * How long to wait before the next attempt, or empty if no attempt should be made.
   *
   * @param attemptsMade attempts made so far, all failed (at least 1)
   * @param elapsed time since the first attempt started
   * @param random source of jitter; seed it for reproducible delays
   */
  Optional<Duration> nextDelay(int attemptsMade, Duration elapsed, Random random);

  /**
   * A policy with the settings of {@code config}, for example one read from a file. The config
   * was checked by the builder's rules when it was constructed, so a bad value fails there, with
   * a message naming the setting.
   *
   * @throws NullPointerException if {@code config} is null
   */
  static RetryPolicy of(RetryPolicyConfig config) {
    return new RetryPolicyImpl(Assert.notNull(config, "config"));
  }
}
