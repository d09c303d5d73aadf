package dev.settle.core.event;

/**
 * Receives every {@link TransactionEvent} of a coordinator.
 *
 * <p><b>Thread.</b> Listeners are called synchronously, one after another in registration order,
 * on the thread that caused the event: the caller's thread of {@code execute} for the events of a
 * transaction it runs (phase-one events too: parallel calls are awaited, and reported, on the
 * caller's thread), the thread that calls {@code recover()} for recovery, and the executor's
 * threads for the compensations of a saga that compensates in parallel. Events of one branch
 * arrive in order; events of different transactions may arrive concurrently, so a listener shared
 * by several threads must be thread-safe.
 *
 * <p><b>Cost.</b> A listener runs inside the transaction: while it runs, the transaction waits,
 * and the time counts against nothing (no timeout covers it), so a listener that takes 10 ms
 * adds 10 ms per event to every transaction, and one that blocks holds the transaction (and its
 * participants' reservations or locks) until it returns. Keep listeners quick; hand slow work
 * (network, disk) to a queue of your own.
 *
 * <p><b>Failures.</b> A listener that throws, an {@link Error} included, is logged at WARN and
 * skipped, and the remaining listeners still hear the event; it never changes a transaction's
 * course or outcome. Only a failing virtual machine ({@link OutOfMemoryError} and other {@link
 * VirtualMachineError}s except {@link StackOverflowError}) propagates, as a crash would.
 */
@FunctionalInterface
public interface TransactionListener {
  /** Called once per event. */
  void onEvent(TransactionEvent event);
}
