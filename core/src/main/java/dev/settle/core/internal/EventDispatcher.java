package dev.settle.core.internal;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to listeners, isolating each one: a listener that throws is logged and the
 * rest still run, and the transaction goes on as if nothing happened.
 */
public final class EventDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private final Clock clock;
  private final List<TransactionListener> listeners;

  public EventDispatcher(Clock clock, List<TransactionListener> listeners) {
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
  }

  /** Publishes a transaction-level event. */
  public void publish(TransactionId tx, EventType type, String detail) {
    publish(tx, null, type, detail);
  }

  /** Publishes an event; cheap when nobody listens. */
  public void publish(
      TransactionId tx, @Nullable BranchId branch, EventType type, String detail) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} {}", type, branch == null ? "-" : branch, detail);
    }
    if (listeners.isEmpty()) {
      return;
    }
    TransactionEvent event = new TransactionEvent(tx, branch, type, clock.instant(), detail);
    for (TransactionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("listener {} threw on {}; ignored", listener, event, e);
      }
    }
  }
}
