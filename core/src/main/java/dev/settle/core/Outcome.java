package dev.settle.core;

import dev.settle.core.internal.check.Assert;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How a transaction ended, as a type. {@link Committed} and {@link RolledBack} are clean ends;
 * {@link Mixed} and {@link InDoubt} are the heuristic cases, which are always surfaced to the
 * caller and in events, never swallowed: {@link #orThrow()} turns them into a
 * {@link HeuristicOutcomeException}.
 */
public sealed interface Outcome
    permits Outcome.Committed, Outcome.RolledBack, Outcome.Mixed, Outcome.InDoubt {

  /** The transaction this outcome belongs to. */
  TransactionId transactionId();

  /** The last known state of every branch, by branch id. */
  Map<BranchId, BranchState> branches();

  /** Whether the transaction reached a clean end (committed or rolled back). */
  default boolean isClean() {
    return this instanceof Committed || this instanceof RolledBack;
  }

  /**
   * Why this transaction did not commit, as a {@link FailureKind}; empty for {@link Committed}.
   * Rolled back: by the failed branch's exception (a refusal, a timeout, another failure), an abort
   * vote is a refusal, and a rollback with neither branch nor exception is recovery's presumed
   * abort after the coordinator stopped. In doubt: a timeout if the last failure was one, else a
   * participant failure. Mixed: heuristic.
   */
  default Optional<FailureKind> failureKind() {
    if (this instanceof Committed) {
      return Optional.empty();
    }
    if (this instanceof Mixed) {
      return Optional.of(FailureKind.HEURISTIC);
    }
    if (this instanceof InDoubt inDoubt) {
      return Optional.of(
          inDoubt.lastFailure() instanceof ParticipantTimeoutException
              ? FailureKind.TIMEOUT
              : FailureKind.PARTICIPANT_FAILURE);
    }
    RolledBack rolledBack = (RolledBack) this;
    Throwable cause = rolledBack.cause();
    if (cause == null) {
      return Optional.of(
          rolledBack.failedBranch() == null ? FailureKind.COORDINATOR_CRASH : FailureKind.BUSINESS_REFUSAL);
    }
    return Optional.of(
        cause instanceof ParticipantException failed ? failed.kind() : FailureKind.PARTICIPANT_FAILURE);
  }

  /** Returns this outcome if it is clean, else throws {@link HeuristicOutcomeException}. */
  default Outcome orThrow() {
    if (!isClean()) {
      throw new HeuristicOutcomeException(this);
    }
    return this;
  }

  /**
   * Every branch committed (or voted read-only).
   *
   * @param transactionId the transaction
   * @param branches final state of each branch
   */
  record Committed(TransactionId transactionId, Map<BranchId, BranchState> branches)
      implements Outcome {
    /** Copies the branch map. */
    public Committed {
      Assert.notNull(transactionId, "transactionId");
      branches = copy(branches);
    }
  }

  /**
   * Every branch rolled back, cancelled or compensated, or never changed anything.
   *
   * @param transactionId the transaction
   * @param branches final state of each branch
   * @param reason why the coordinator decided to roll back
   * @param failedBranch the branch whose failure or vote made the coordinator roll back (a
   *     refused Try, a failed prepare, an abort vote, a failed saga step), or null when no single
   *     branch did (2PC work that threw, a presumed abort after a crash)
   * @param cause what failed threw (the branch, or 2PC work), or a {@link
   *     ParticipantTimeoutException} standing for an answer that never came; null for an abort
   *     vote, and after a crash (recovery knows only the log, not the exception)
   */
  record RolledBack(
      TransactionId transactionId,
      Map<BranchId, BranchState> branches,
      String reason,
      @Nullable BranchId failedBranch,
      @Nullable Throwable cause)
      implements Outcome {
    /** Copies the branch map. */
    public RolledBack {
      Assert.notNull(transactionId, "transactionId");
      branches = copy(branches);
      Assert.notNull(reason, "reason");
    }

    /** A rollback no single branch's failure explains. */
    public RolledBack(TransactionId transactionId, Map<BranchId, BranchState> branches, String reason) {
      this(transactionId, branches, reason, null, null);
    }
  }

  /**
   * Heuristic: some branches finished one way and some the other, against the decision (a
   * resource took a heuristic decision of its own). Needs a human.
   *
   * @param transactionId the transaction
   * @param branches final state of each branch
   * @param decision what the coordinator had decided
   */
  record Mixed(TransactionId transactionId, Map<BranchId, BranchState> branches, Decision decision)
      implements Outcome {
    /** Copies the branch map. */
    public Mixed {
      Assert.notNull(transactionId, "transactionId");
      branches = copy(branches);
      Assert.notNull(decision, "decision");
    }
  }

  /**
   * The decision is logged, but at least one branch did not acknowledge it after every retry (a
   * participant unreachable). Recovery keeps driving those branches; the decision will not change.
   *
   * @param transactionId the transaction
   * @param branches last known state of each branch; unfinished ones are {@link
   *     BranchState#IN_DOUBT}
   * @param decision the logged decision that recovery keeps driving
   * @param lastFailure the last error from an unfinished branch, if any
   */
  record InDoubt(
      TransactionId transactionId,
      Map<BranchId, BranchState> branches,
      Decision decision,
      @Nullable Throwable lastFailure)
      implements Outcome {
    /** Copies the branch map. */
    public InDoubt {
      Assert.notNull(transactionId, "transactionId");
      branches = copy(branches);
      Assert.notNull(decision, "decision");
    }
  }

  private static Map<BranchId, BranchState> copy(Map<BranchId, BranchState> branches) {
    Assert.notNull(branches, "branches");
    // Sorted so that toString, equals and JSON output are stable.
    return Collections.unmodifiableMap(new TreeMap<>(branches));
  }
}
