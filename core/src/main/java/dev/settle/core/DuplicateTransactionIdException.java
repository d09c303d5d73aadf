package dev.settle.core;

/**
 * {@code execute} was handed a transaction id that is already in the coordinator's log, typically
 * by a custom {@link TransactionIdGenerator} that reuses an upstream id (an order number) for a
 * second request. The coordinator refuses it before anything runs or is logged: a reused id never
 * re-runs a transaction and never adds a second history to the first.
 *
 * <p>Refusing rather than answering with the first transaction's outcome is deliberate: the
 * second request may not be the same as the first, and reporting the first one's outcome for it
 * would say that a request ran when it did not. A caller that did mean a retry of the same request
 * can ask {@link Coordinator#decisionFor} for the recorded decision.
 *
 * <p>How far back ids are remembered: an id is recognised while its transaction is unfinished, and
 * after it ended for as long as the log still holds its records when the coordinator first looks
 * (a compacting log drops ended transactions) or it is among the most recent ended transactions
 * this process has seen; see the README, "Transaction ids".
 */
public final class DuplicateTransactionIdException extends SettleException {
  private static final long serialVersionUID = 1L;

  private final boolean ended;

  /**
   * A refusal of {@code transactionId}.
   *
   * @param ended whether the transaction already holding the id has ended (else it is still
   *     running, or unfinished in the log and left to recovery)
   */
  public DuplicateTransactionIdException(TransactionId transactionId, boolean ended) {
    super(
        transactionId,
        "transaction id "
            + transactionId
            + " is already in the log ("
            + (ended
                ? "that transaction ended; decisionFor() gives its decision"
                : "that transaction is still running or unfinished; recovery finishes it")
            + "): refused, nothing was run or logged for this request. A TransactionIdGenerator"
            + " must never return an id twice.");
    this.ended = ended;
  }

  /**
   * Whether the transaction that already holds the id has ended; false when it is still running
   * or left unfinished in the log for recovery.
   */
  public boolean ended() {
    return ended;
  }
}
