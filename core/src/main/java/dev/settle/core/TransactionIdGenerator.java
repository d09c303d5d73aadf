package dev.settle.core;

import dev.settle.core.internal.check.Assert;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/**
 * Makes new transaction ids. Plug in your own to reuse ids from an upstream system (an order
 * number, a request id); the generator must never return the same id twice. A coordinator refuses
 * an id its log already holds with a {@link DuplicateTransactionIdException}, before anything runs:
 * a reused id never re-runs a transaction (see that exception for how far back ids are checked).
 */
@FunctionalInterface
public interface TransactionIdGenerator {
  /**
   * Returns an id never returned before.
   *
   * <p>An id that is already in the coordinator's log makes {@code execute} throw {@link
   * DuplicateTransactionIdException}.
   */
  TransactionId next();

  /**
   * Returns the default generator: 26-character ids that sort by creation time (48 bits of
   * milliseconds, then 80 random bits, incremented within one millisecond so that ids made in the
   * same millisecond still sort in creation order).
   */
  static TransactionIdGenerator timeOrdered() {
    return new TimeOrderedIdGenerator(Clock.systemUTC(), new SecureRandom());
  }

  /**
   * Returns a time-ordered generator driven by the given clock and random source; with a fixed
   * clock and a seeded random source it makes the same ids on every run, as simulations need.
   */
  static TransactionIdGenerator timeOrdered(Clock clock, Random random) {
    return new TimeOrderedIdGenerator(
        Assert.notNull(clock, "clock"), Assert.notNull(random, "random"));
  }
}
