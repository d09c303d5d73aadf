package dev.settle.core;

import java.util.List;
import java.util.Optional;

/**
 * Runs transactions of one protocol to a final outcome and finishes, after a crash, what an
 * earlier instance left unfinished.
 *
 * <p>Every protocol's coordinator implements this, so a caller can wrap one (to record, meter or
 * route) or replace it with one that delegates to a remote service, without touching the
 * protocol.
 *
 * @param <T> what one transaction is made of for this protocol (participants and work for 2PC,
 *     branches and payloads for TCC, a saga definition and its input)
 *
 * <p><b>Thread safety.</b> Implementations are thread-safe. One coordinator serves any number
 * of threads calling {@link #execute} at once, and {@link #recover} (called by hand, or by the
 * background recovery the builder's {@code recoverEvery} starts) may run beside them: it leaves
 * alone the transactions this instance is still running. Build one coordinator per log and
 * protocol and share it; {@link #close} may be called from any thread.
 */
public interface Coordinator<T> extends AutoCloseable {
  /**
   * Runs one transaction to its outcome. A clean outcome is {@link Outcome.Committed} or {@link
   * Outcome.RolledBack}; heuristic and in-doubt outcomes are returned too, never hidden, and
   * recovery keeps driving in-doubt branches.
   *
   * @throws SettleException if the transaction could not be started or its log could not be
   *     written; nothing was decided then, and recovery presumes it aborted
   */
  @CheckReturnValue
  Outcome execute(T transaction);

  /**
   * Reads unfinished transactions from the log and drives each to its final state: a logged
   * decision is re-sent to every unfinished branch; a transaction with no logged decision is
   * rolled back. Safe to call at any time and more than once. A transaction whose logged records
   * contradict each other is quarantined: reported by a {@link
   * dev.settle.core.event.EventType#TRANSACTION_QUARANTINED} event and a WARN, never driven, and
   * it does not stop the recovery of the others ({@link dev.settle.core.log.LogReplay#scan} lists
   * them).
   *
   * @return the outcome of every transaction this pass touched
   */
  List<Outcome> recover();

  /**
   * The logged decision for a transaction, for a participant that woke up in doubt. Empty means
   * no decision is logged, which under presumed abort means roll back.
   *
   * @throws CorruptLogException if the transaction is quarantined: its records do not say one
   *     thing, so no answer would be truthful
   */
  Optional<Decision> decisionFor(TransactionId transactionId);

  /**
   * Gives up this coordinator's claim on its log (see {@link
   * dev.settle.core.log.spi.TransactionLog#claim}), so that a new coordinator of the same protocol may
   * be built on it, for example after a configuration reload. The log itself stays open: close it
   * separately. A closed coordinator refuses {@link #execute} and {@link #recover} with an {@link
   * IllegalStateException}; transactions it was running when closed are finished by the next
   * coordinator's {@link #recover}. Idempotent.
   */
  @Override
  void close();
}
