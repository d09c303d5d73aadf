package dev.settle.core;

import org.jspecify.annotations.Nullable;

/** A participant's call failed: it threw, refused, or answered something it must not. */
public class ParticipantException extends SettleException {
  private static final long serialVersionUID = 1L;

  private final @Nullable BranchId branchId;

  /** A failed call on a branch. */
  public ParticipantException(
      @Nullable TransactionId transactionId,
      @Nullable BranchId branchId,
      String message,
      @Nullable Throwable cause) {
    super(transactionId, branchId == null ? message : "branch " + branchId + ": " + message, cause);
    this.branchId = branchId;
  }

  /**
   * What kind of failure this is, for outcomes and metrics; a plain participant failure unless a
   * subclass says otherwise (a timeout, a business refusal).
   */
  public FailureKind kind() {
    return FailureKind.PARTICIPANT_FAILURE;
  }

  /** The branch whose call failed, if known. */
  public @Nullable BranchId branchId() {
    return branchId;
  }
}
