package dev.settle.twopc;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.Assert;

/**
 * What a 2PC participant is told with every call.
 *
 * @param transactionId the global transaction
 * @param branchId this participant's branch
 * @param attempt 1 for the first delivery, more for retries
 */
public record TwoPhaseContext(TransactionId transactionId, BranchId branchId, int attempt) {
  /** Checks the fields. */
  public TwoPhaseContext {
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(branchId, "branchId");
    Assert.atLeast(attempt, 1, "attempt");
  }
}
