package dev.settle.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Simulated time: moves only when told, so a run with timeouts and backoff takes no real time
 * and is the same on every machine. Thread-safe, though simulations are single-threaded.
 */
public final class VirtualClock extends Clock {
  private volatile long millis;

  /** A clock starting at {@code startMillis} since the epoch. */
  public VirtualClock(long startMillis) {
    this.millis = startMillis;
  }

  /** Moves time forward; negative durations are refused (jump back with {@link #set}). */
  public synchronized void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration " + duration);
    }
    millis += duration.toMillis();
  }

  /** Sets the time, forward or back: a clock jump. */
  public synchronized void set(long newMillis) {
    millis = newMillis;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
