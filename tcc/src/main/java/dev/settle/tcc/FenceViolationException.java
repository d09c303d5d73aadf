package dev.settle.tcc;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.TransactionId;

/**
 * A call that contradicts what the fence knows of the branch: a Confirm with no Try, a Confirm
 * after a Cancel, a Cancel after a Confirm. Never a transient failure: it signals a coordinator
 * bug or a corrupted fence, and the resource was not touched.
 */
public class FenceViolationException extends ParticipantException {
  private static final long serialVersionUID = 1L;

  /** A refused call, and why. */
  public FenceViolationException(TransactionId transactionId, BranchId branchId, String why) {
    super(transactionId, branchId, why, null);
  }
}
