package dev.settle.tcc.spi;


import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.time.Instant;

/**
 * What a TCC participant is told with every call.
 *
 * @param transactionId the global transaction
 * @param branchId this participant's branch; (transaction id, branch id) keys the fence
 * @param payload what the branch is about (an account and an amount), as registered
 * @param attempt 1 for the first delivery of this phase, more for retries
 * @param deadline the transaction's deadline; a Try arriving after it must be refused, which is
 *     what lets old fence records be cleaned without letting a very late Try through
 */
public record TccContext(
    TransactionId transactionId, BranchId branchId, byte[] payload, int attempt, Instant deadline) {
  /** Checks the fields. */
  public TccContext {
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(branchId, "branchId");
    Assert.notNull(payload, "payload");
    Assert.atLeast(attempt, 1, "attempt");
    Assert.notNull(deadline, "deadline");
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TccContext c
        && transactionId.equals(c.transactionId)
        && branchId.equals(c.branchId)
        && java.util.Arrays.equals(payload, c.payload)
        && attempt == c.attempt
        && deadline.equals(c.deadline);
  }

  @Override
  public int hashCode() {
    return transactionId.hashCode() * 31 + branchId.hashCode();
  }

  @Override
  public String toString() {
    return "TccContext[" + transactionId + "/" + branchId + ", attempt " + attempt + ", deadline "
        + deadline + "]";
  }
}
