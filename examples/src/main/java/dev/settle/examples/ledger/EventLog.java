package dev.settle.examples.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The append-only, immutable list of events. Nothing is ever changed or removed; readers see a
 * growing prefix. Snapshots of the state every N events make replay to any point cheap.
 */
public final class EventLog {
  private final List<LedgerEvent> events = new ArrayList<>();
  private final List<LedgerState> snapshots = new ArrayList<>();
  private final int snapshotEvery;

  /** A log that keeps a state snapshot after every {@code snapshotEvery} events. */
  public EventLog(int snapshotEvery) {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("--snapshot-every must be at least 1, was " + snapshotEvery);
    }
    this.snapshotEvery = snapshotEvery;
  }

  /** Appends an event that {@code stateAfter} already reflects. */
  synchronized void append(LedgerEvent event, LedgerState stateAfter) {
    events.add(event);
    if (events.size() % snapshotEvery == 0) {
      snapshots.add(stateAfter.copy());
    }
  }

  /** How many events there are. */
  public synchronized int size() {
    return events.size();
  }

  /** The event at {@code index} (0-based). */
  public synchronized LedgerEvent get(int index) {
    return events.get(index);
  }

  /**
   * The state after the first {@code count} events, rebuilt from the nearest snapshot at or
   * before that point and the events after it.
   */
  public LedgerState replay(int count) {
    if (count < 0 || count > size()) {
      throw new IllegalArgumentException("cannot replay " + count + " of " + size() + " events");
    }
    int snapshotIndex = count / snapshotEvery - 1;
    LedgerState state;
    int from;
    synchronized (this) {
      state = snapshotIndex >= 0 ? snapshots.get(snapshotIndex).copy() : new LedgerState();
      from = snapshotIndex >= 0 ? (snapshotIndex + 1) * snapshotEvery : 0;
    }
    for (int i = from; i < count; i++) {
      state.apply(get(i));
    }
    return state;
  }

  /** The state after every event that happened at or before {@code timeMillis}. */
  public LedgerState replayUntil(long timeMillis) {
    // Events are in time order: binary-search the first one after the time.
    int lo = 0;
    int hi = size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (get(mid).timeMillis() <= timeMillis) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return replay(lo);
  }

  /** A fresh state from every event, without snapshots: the slow path replay must match. */
  public LedgerState replayFromScratch() {
    LedgerState state = new LedgerState();
    for (int i = 0; i < size(); i++) {
      state.apply(get(i));
    }
    return state;
  }
}
