package dev.settle.core.internal;

import dev.settle.core.BranchId;
import org.jspecify.annotations.Nullable;

/**
 * Why a transaction rolls back, as the coordinator hands it from the failure to the outcome: the
 * text for events and logs, and, when one branch's failure caused it, that branch and what it
 * threw, so that {@link dev.settle.core.Outcome.RolledBack} carries the exception itself.
 *
 * @param text a one-line explanation
 * @param branch the branch whose failure caused the rollback, or null
 * @param cause what that branch threw (or a timeout standing for its unknown answer), or null
 */
public record Reason(String text, @Nullable BranchId branch, @Nullable Throwable cause) {
  /** A reason no branch's exception explains (a presumed abort, an abort vote, a commit). */
  public static Reason of(String text) {
    return new Reason(text, null, null);
  }

  /** Whether a reason is given at all. */
  public boolean isEmpty() {
    return text.isEmpty();
  }
}
