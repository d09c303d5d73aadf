package dev.settle.spring.boot;

import dev.settle.core.FailureKind;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which transactions are in doubt, and since when, from the coordinators' events: a branch did not
 * acknowledge the decision, or the log quarantined the transaction. A transaction leaves when an
 * event says it ended (committed, rolled back, heuristic) or that another node owns it now. The
 * starter adds it to every coordinator it builds; add it to your own coordinators' builders
 * ({@code .listener(inDoubtTransactions)}) so that the health indicator sees them too.
 *
 * <p>Heuristic outcomes are kept apart ({@link #recentHeuristics}): they have ended, and nothing
 * Settle does will change them, so they are shown, not held against health. Quarantined
 * transactions are announced again at every recovery pass, so a restart finds them again.
 *
 * <p><b>Thread safety.</b> Thread-safe.
 */
public final class InDoubtTransactions implements TransactionListener {
  private static final int RECENT_HEURISTICS = 10;

  private final Clock clock;
  private final Map<TransactionId, Instant> since = new ConcurrentHashMap<>();
  private final Deque<TransactionId> heuristics = new ArrayDeque<>();

  /** Times entries by {@code clock}. */
  public InDoubtTransactions(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void onEvent(TransactionEvent event) {
    EventType type = event.type();
    TransactionId tx = event.transactionId();
    if (type == EventType.BRANCH_IN_DOUBT || type == EventType.TRANSACTION_QUARANTINED) {
      since.putIfAbsent(tx, clock.instant());
    } else if (type == EventType.TRANSACTION_HEURISTIC && event.cause() == FailureKind.HEURISTIC) {
      // Ended mixed (a branch applied the other decision, or may have: a hazard). The same event
      // type without that cause closes an execute that left the transaction in doubt: kept.
      since.remove(tx);
      synchronized (heuristics) {
        heuristics.remove(tx);
        heuristics.addFirst(tx);
        while (heuristics.size() > RECENT_HEURISTICS) {
          heuristics.removeLast();
        }
      }
    } else if (type == EventType.TRANSACTION_COMMITTED
        || type == EventType.TRANSACTION_ROLLED_BACK
        || type == EventType.OWNERSHIP_LOST) {
      since.remove(tx);
    }
  }

  /** The transactions in doubt now, each with the time it was first seen in doubt. */
  public Map<TransactionId, Instant> inDoubt() {
    return Map.copyOf(since);
  }

  /** The last few transactions that ended with a heuristic outcome since start, newest first. */
  public List<TransactionId> recentHeuristics() {
    synchronized (heuristics) {
      return List.copyOf(heuristics);
    }
  }
}
