package dev.settle.core;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A participant did not answer in time. The call's outcome is unknown: it may still take effect
 * later, so the coordinator treats the branch as possibly changed (and cancels or compensates
 * it).
 */
public class ParticipantTimeoutException extends ParticipantException {
  private static final long serialVersionUID = 1L;

  /** A call on a branch that did not answer within {@code timeout}. */
  public ParticipantTimeoutException(
      @Nullable TransactionId transactionId, @Nullable BranchId branchId, Duration timeout) {
    super(transactionId, branchId, "no answer within " + timeout + "; outcome unknown", null);
  }

  /** A call on a branch whose outcome is unknown for the reason given. */
  public ParticipantTimeoutException(
      @Nullable TransactionId transactionId, @Nullable BranchId branchId, String message) {
    super(transactionId, branchId, message, null);
  }

  /** A call on a branch whose outcome is unknown for the reason given, caused by {@code cause}. */
  public ParticipantTimeoutException(
      @Nullable TransactionId transactionId,
      @Nullable BranchId branchId,
      String message,
      @Nullable Throwable cause) {
    super(transactionId, branchId, message, cause);
  }

  /** A timeout. */
  @Override
  public FailureKind kind() {
    return FailureKind.TIMEOUT;
  }
}
