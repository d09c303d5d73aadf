package dev.settle.tcc;

import dev.settle.core.BranchId;
import dev.settle.core.FailureKind;
import dev.settle.core.ParticipantException;
import dev.settle.core.TransactionId;

/**
 * A Try was refused without touching the resource: its Cancel got there first, or the
 * transaction's deadline had passed. The transaction is being cancelled anyway; refusing is what
 * keeps a late Try from leaving a hanging reservation.
 */
public class TryRefusedException extends ParticipantException {
  private static final long serialVersionUID = 1L;

  /** A refused Try, and why. */
  public TryRefusedException(TransactionId transactionId, BranchId branchId, String why) {
    super(transactionId, branchId, "try refused: " + why, null);
  }

  /** A Try refused by the fence came too late (after its deadline or its Cancel): a timeout. */
  @Override
  public FailureKind kind() {
    return FailureKind.TIMEOUT;
  }
}
