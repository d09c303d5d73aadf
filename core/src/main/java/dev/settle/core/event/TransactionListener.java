package dev.settle.core.event;

/**
 * Receives every {@link TransactionEvent} of a coordinator, on the thread that caused it. A
 * listener that throws is logged and skipped; it never changes a transaction's outcome. Keep
 * listeners quick: they run inside the transaction's critical path.
 */
@FunctionalInterface
public interface TransactionListener {
  /** Called once per event. */
  void onEvent(TransactionEvent event);
}
