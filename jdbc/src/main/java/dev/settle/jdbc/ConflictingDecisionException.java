package dev.settle.jdbc;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;

/**
 * The database refused a decision that contradicts the one already stored for the transaction.
 * The decision column is written with a conditional update ({@code decision IS NULL OR decision =
 * ?}), so two different decisions for one transaction cannot both be stored, whatever the
 * coordinators sharing the log do. Nothing of the refused append was stored.
 */
public final class ConflictingDecisionException extends TransactionLogException {
  private static final long serialVersionUID = 1L;

  private final TransactionId conflicted;
  private final Decision stored;

  /** A refusal of a decision other than {@code stored} for {@code transaction}. */
  public ConflictingDecisionException(TransactionId transaction, Decision stored) {
    super(
        "[" + transaction + "] refusing a second, different decision: the shared log already holds "
            + stored
            + " for this transaction, and a decision never changes",
        null);
    this.conflicted = transaction;
    this.stored = stored;
  }

  /** The transaction. */
  public TransactionId conflicted() {
    return conflicted;
  }

  /** The decision the log holds. */
  public Decision stored() {
    return stored;
  }
}
