package dev.settle.testkit;

import dev.settle.core.ManualClock;

/**
 * Simulated time: moves only when told ({@link #advance}, {@link #set}), so a run with timeouts
 * and backoff takes no real time and is the same on every machine. Core's {@link ManualClock}
 * under the simulation's name. Thread-safe, though simulations are single-threaded.
 */
public final class VirtualClock extends ManualClock {
  /** A clock starting at {@code startMillis} since the epoch. */
  public VirtualClock(long startMillis) {
    super(startMillis);
  }
}
