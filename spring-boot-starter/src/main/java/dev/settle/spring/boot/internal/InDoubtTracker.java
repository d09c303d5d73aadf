package dev.settle.spring.boot.internal;

import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, from the coordinators' events, which transactions are in doubt (a branch did not
 * acknowledge the decision, or answered with a heuristic) and since when, until an event says
 * they ended. The health indicator reads it.
 */
public final class InDoubtTracker implements TransactionListener {
  private final Clock clock;
  private final Map<TransactionId, Instant> since = new ConcurrentHashMap<>();

  public InDoubtTracker(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void onEvent(TransactionEvent event) {
    EventType type = event.type();
    if (type == EventType.BRANCH_IN_DOUBT
        || type == EventType.BRANCH_HEURISTIC
        || type == EventType.TRANSACTION_QUARANTINED) {
      since.putIfAbsent(event.transactionId(), clock.instant());
    } else if (type == EventType.TRANSACTION_COMMITTED
        || type == EventType.TRANSACTION_ROLLED_BACK
        || type == EventType.OWNERSHIP_LOST) {
      since.remove(event.transactionId());
    }
  }

  /** The transactions in doubt now, each with the time it was first seen in doubt. */
  public Map<TransactionId, Instant> inDoubt() {
    return Map.copyOf(since);
  }
}
