package dev.settle.core.event;

import dev.settle.core.BranchId;
import dev.settle.core.FailureKind;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.time.Duration;
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
 * @param protocol the protocol of the coordinator that published it ("2pc", "tcc", "saga"); empty
 *     for an event built by hand
 * @param cause on an event that ends a transaction other than committed ({@code
 *     TRANSACTION_ROLLED_BACK}, {@code TRANSACTION_HEURISTIC}): why, as the outcome's {@link
 *     FailureKind}; else null
 * @param elapsed on an event that ends a transaction or leaves it in doubt: the time since this
 *     coordinator began it (or, after a restart, began recovering it), by its clock; else null
 */
public record TransactionEvent(
    TransactionId transactionId,
    @Nullable BranchId branchId,
    EventType type,
    Instant time,
    String detail,
    String protocol,
    @Nullable FailureKind cause,
    @Nullable Duration elapsed) {
  /** Checks that the required fields are present. */
  public TransactionEvent {
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(type, "type");
    Assert.notNull(time, "time");
    Assert.notNull(detail, "detail");
    Assert.notNull(protocol, "protocol");
  }

  /** An event with no protocol, cause or duration, as tests and adapters build them. */
  public TransactionEvent(
      TransactionId transactionId, @Nullable BranchId branchId, EventType type, Instant time, String detail) {
    this(transactionId, branchId, type, time, detail, "", null, null);
  }
}
