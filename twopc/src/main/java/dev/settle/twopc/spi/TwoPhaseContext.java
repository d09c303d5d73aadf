package dev.settle.twopc.spi;


import dev.settle.core.BranchId;
import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;

/**
 * What a 2PC participant is told with every call.
 *
 * @param transactionId the global transaction
 * @param branchId this participant's branch
 * @param attempt 1 for the first delivery, more for retries
 * @param nodeName the {@linkplain CoordinatorBuilder#nodeName(String) name of the coordinator}
 *     that runs the transaction; XA writes it into the branch id
 */
public record TwoPhaseContext(
    TransactionId transactionId, BranchId branchId, int attempt, String nodeName) {
  /** Checks the fields. */
  public TwoPhaseContext {
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(branchId, "branchId");
    Assert.atLeast(attempt, 1, "attempt");
    Assert.notBlank(nodeName, "nodeName");
  }

  /** A context from a coordinator with the {@linkplain CoordinatorBuilder#DEFAULT_NODE_NAME default name}. */
  public TwoPhaseContext(TransactionId transactionId, BranchId branchId, int attempt) {
    this(transactionId, branchId, attempt, CoordinatorBuilder.DEFAULT_NODE_NAME);
  }
}
