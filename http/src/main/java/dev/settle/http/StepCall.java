package dev.settle.http;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import java.time.Instant;

/**
 * What a {@link StepService} is told with every action or compensation that reached it over HTTP.
 *
 * @param transactionId the saga's transaction id
 * @param step the step's name; (transaction id, step) keys the endpoint's fence
 * @param payload what the caller's payload function produced from the saga context
 * @param attempt 1 for the first delivery, more for retries
 * @param deadline after it an action is refused (so a late action cannot follow its compensation)
 */
// The array is copied in and out, so the record stays immutable.
@SuppressWarnings("ArrayRecordComponent")
public record StepCall(
    TransactionId transactionId, BranchId step, byte[] payload, int attempt, Instant deadline) {
  /** Checks and copies the fields. */
  public StepCall {
    java.util.Objects.requireNonNull(transactionId, "transactionId");
    java.util.Objects.requireNonNull(step, "step");
    payload = payload.clone();
    java.util.Objects.requireNonNull(deadline, "deadline");
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepCall c
        && transactionId.equals(c.transactionId)
        && step.equals(c.step)
        && java.util.Arrays.equals(payload, c.payload)
        && attempt == c.attempt
        && deadline.equals(c.deadline);
  }

  @Override
  public int hashCode() {
    return transactionId.hashCode() * 31 + step.hashCode();
  }

  @Override
  public String toString() {
    return "StepCall[" + transactionId + "/" + step + ", attempt " + attempt + "]";
  }
}
