package dev.settle.core.event;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.Assert;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One state change of a transaction or one of its branches.
 *
 * @param transactionId the transaction
 * @param branchId the branch, or null for a transaction-level event
 * @param type what happened
 * @param time when, by the coordinator's injected clock
 * @param detail a short human-readable note (a reason, an attempt number); may be empty
 */
public record TransactionEvent(
    TransactionId transactionId,
    @Nullable BranchId branchId,
    EventType type,
    Instant time,
    String detail) {
  /** Checks that the required fields are present. */
  public TransactionEvent {
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(type, "type");
    Assert.notNull(time, "time");
    Assert.notNull(detail, "detail");
  }
}
