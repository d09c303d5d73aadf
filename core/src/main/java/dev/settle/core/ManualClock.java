package dev.settle.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when told, in UTC, for tests of anything Settle times: deadlines, call
 * timeouts, backoff, leases. Every builder that takes a {@link Clock} takes this one, so a test can
 * put a Try past its deadline or a retry past its backoff without sleeping. The testkit's {@code
 * VirtualClock} is this clock under the simulation's name.
 *
 * <p><b>Thread safety.</b> Thread-safe: readers see every move at once.
 */
public class ManualClock extends Clock {
  private volatile long millis;

  /** A clock starting at {@code startMillis} since the epoch. */
  public ManualClock(long startMillis) {
    this.millis = startMillis;
  }

  /** Moves time forward; negative durations are refused (jump back with {@link #set}). */
  public final synchronized void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration " + duration);
    }
    millis += duration.toMillis();
  }

  /** Sets the time, forward or back: a clock jump. */
  public final synchronized void set(long newMillis) {
    millis = newMillis;
  }

  @Override
  public final long millis() {
    return millis;
  }

  @Override
  public final Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public final ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: it has one time and one zone, and a copy would stop moving with it. */
  @Override
  public final Clock withZone(ZoneId zone) {
    return this;
  }
}
