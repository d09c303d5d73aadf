package dev.settle.core.internal;

import dev.settle.core.BranchId;
import dev.settle.core.FailureKind;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Publishes events to listeners, isolating each one: a listener that throws is logged and the
 * rest still run, and the transaction goes on as if nothing happened.
 *
 * <p>Isolated means every {@link Throwable}, {@link Error}s included: an {@code AssertionError}
 * or a {@code NoClassDefFoundError} in a listener is the listener's bug, and letting it escape
 * would abandon the transaction mid-protocol (after a logged decision, with reservations held)
 * until a recovery pass. Only a {@link VirtualMachineError} other than {@link StackOverflowError}
 * propagates: it says the process itself is failing (out of memory, an internal error), so it is
 * treated like a crash, which recovery is built for. A stack overflow is the listener's own deep
 * recursion, already unwound when it reaches us. Crashes simulated by the testkit are thrown by
 * the log, never through here.
 */
public final class EventDispatcher {
  private final Clock clock;

  /** The coordinator's clock, which events and log records are timed by. */
  public Clock clock() {
    return clock;
  }
  private final List<TransactionListener> listeners;
  private final String protocol;
  private final Logger log;
  /** When each running transaction began here, for the elapsed time of its last event. */
  private final Map<TransactionId, Instant> started = new ConcurrentHashMap<>();

  /** A dispatcher for {@code protocol}'s coordinator; it logs under {@link ProtocolLoggers}. */
  public EventDispatcher(Clock clock, List<TransactionListener> listeners, String protocol) {
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
    this.protocol = protocol;
    this.log = ProtocolLoggers.of(protocol);
  }

  /**
   * A dispatcher outside any protocol (tests), logging under {@code dev.settle.core}; its events
   * name no protocol.
   */
  public EventDispatcher(Clock clock, List<TransactionListener> listeners) {
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
    this.protocol = "";
    this.log = ProtocolLoggers.of("core");
  }

  /**
   * The protocol's logger: what the coordinator's shared machinery logs about a transaction goes
   * here, next to its events.
   */
  public Logger log() {
    return log;
  }

  /**
   * Whether an event would reach anyone (a listener, or the debug log). Callers on the
   * transaction path test this before building a detail string, which would otherwise be made
   * and dropped several times per transaction when nobody listens.
   */
  public boolean listened() {
    return !listeners.isEmpty() || log.isDebugEnabled();
  }

  /** Publishes a transaction-level event. */
  public void publish(TransactionId tx, EventType type, String detail) {
    publish(tx, null, type, detail, null);
  }

  /** Publishes an event that ends a transaction, with why it did not commit ({@code cause}). */
  public void publish(TransactionId tx, EventType type, String detail, @Nullable FailureKind cause) {
    publish(tx, null, type, detail, cause);
  }

  /** Publishes an event; cheap when nobody listens. */
  public void publish(
      TransactionId tx, @Nullable BranchId branch, EventType type, String detail) {
    publish(tx, branch, type, detail, null);
  }

  private void publish(
      TransactionId tx, @Nullable BranchId branch, EventType type, String detail, @Nullable FailureKind cause) {
    if (log.isDebugEnabled()) {
      log.debug("{} {} {}", type, branch == null ? "-" : branch, detail);
    }
    if (listeners.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    TransactionEvent event =
        new TransactionEvent(tx, branch, type, now, detail, protocol, cause, elapsed(tx, branch, type, now));
    for (TransactionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (StackOverflowError e) {
        log.warn("listener {} overflowed its stack on {}; ignored", listener, event, e);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        if (e instanceof InterruptedException) {
          // The interrupt was meant for this thread, not for the listener: keep it visible.
          Thread.currentThread().interrupt();
        }
        log.warn("listener {} threw on {}; ignored", listener, event, e);
      }
    }
  }

  /** Keeps each transaction's start; on the event that ends it (or leaves it in doubt), the time since. */
  private @Nullable Duration elapsed(TransactionId tx, @Nullable BranchId branch, EventType type, Instant now) {
    if (branch != null) {
      return null;
    }
    switch (type) {
      case TRANSACTION_BEGUN, TRANSACTION_RECOVERING -> {
        started.putIfAbsent(tx, now);
        return null;
      }
      case TRANSACTION_COMMITTED, TRANSACTION_ROLLED_BACK, TRANSACTION_HEURISTIC, OWNERSHIP_LOST -> {
        Instant began = started.remove(tx);
        return began == null ? null : Duration.between(began, now);
      }
      default -> {
        return null;
      }
    }
  }
}
