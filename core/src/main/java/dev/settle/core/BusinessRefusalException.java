package dev.settle.core;

import org.jspecify.annotations.Nullable;

/**
 * A participant declines on business grounds (insufficient funds, out of stock, a limit reached):
 * the call ran and answered "no". Throw it from a Try, a prepare or a saga action; the transaction
 * rolls back like for any failure, and its outcome's {@link Outcome#failureKind()} says {@link
 * FailureKind#BUSINESS_REFUSAL}, so that refusals are counted apart from breakdowns.
 */
public class BusinessRefusalException extends ParticipantException {
  private static final long serialVersionUID = 1L;

  /** A refusal, with the reason the business gives. */
  public BusinessRefusalException(String reason) {
    super(null, null, reason, null);
  }

  /** A refusal of a known branch. */
  public BusinessRefusalException(
      @Nullable TransactionId transactionId, @Nullable BranchId branchId, String reason) {
    super(transactionId, branchId, reason, null);
  }

  /** A business refusal. */
  @Override
  public FailureKind kind() {
    return FailureKind.BUSINESS_REFUSAL;
  }
}
