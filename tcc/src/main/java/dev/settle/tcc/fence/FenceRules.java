package dev.settle.tcc.fence;

import dev.settle.tcc.FenceViolationException;
import dev.settle.tcc.TccContext;
import dev.settle.tcc.TryRefusedException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The fence's rules, in one place for every store. Each method takes the branch's current record
 * (null when there is none) and says what to do: run the business call and move to a new state,
 * do nothing, or refuse. Stores differ only in how they read and write the record atomically with
 * the business change.
 */
final class FenceRules {
  /** What a fenced call does. */
  enum Action {
    /** Run the business method, then store the new state, atomically. */
    RUN,
    /** Store the new state without touching the resource (a Cancel before its Try). */
    MARK_ONLY,
    /** Do nothing and succeed: a repeat of something already done. */
    SKIP
  }

  /** The three TCC calls. */
  enum Phase {
    TRY(FenceState.TRIED),
    CONFIRM(FenceState.CONFIRMED),
    CANCEL(FenceState.CANCELLED);

    /** The state a branch is in once this phase ran its business method. */
    final FenceState after;

    Phase(FenceState after) {
      this.after = after;
    }
  }

  private FenceRules() {}

  /** What {@code phase} does to a branch whose record is {@code current}. */
  static Action decide(Phase phase, @Nullable FenceState current, TccContext ctx, Instant now) {
    return switch (phase) {
      case TRY -> onTry(current, ctx, now);
      case CONFIRM -> onConfirm(current, ctx);
      case CANCEL -> onCancel(current, ctx);
    };
  }

  private static Action onTry(@Nullable FenceState current, TccContext ctx, Instant now) {
    if (current == null) {
      if (now.isAfter(ctx.deadline())) {
        throw new TryRefusedException(
            ctx.transactionId(), ctx.branchId(), "deadline " + ctx.deadline() + " has passed");
      }
      return Action.RUN;
    }
    return switch (current) {
      case TRIED, CONFIRMED -> Action.SKIP; // a duplicate delivery of a Try that already ran
      case CANCELLED_BEFORE_TRY ->
          throw new TryRefusedException(
              ctx.transactionId(), ctx.branchId(), "its cancel arrived first");
      case CANCELLED ->
          throw new TryRefusedException(
              ctx.transactionId(), ctx.branchId(), "the branch is already cancelled");
    };
  }

  private static Action onConfirm(@Nullable FenceState current, TccContext ctx) {
    if (current == null) {
      throw new FenceViolationException(
          ctx.transactionId(), ctx.branchId(), "confirm with no try record");
    }
    return switch (current) {
      case TRIED -> Action.RUN;
      case CONFIRMED -> Action.SKIP;
      case CANCELLED, CANCELLED_BEFORE_TRY ->
          throw new FenceViolationException(
              ctx.transactionId(), ctx.branchId(), "confirm after cancel (" + current + ")");
    };
  }

  private static Action onCancel(@Nullable FenceState current, TccContext ctx) {
    if (current == null) {
      return Action.MARK_ONLY; // the source's NOP cancel, and its flag
    }
    return switch (current) {
      case TRIED -> Action.RUN;
      case CANCELLED, CANCELLED_BEFORE_TRY -> Action.SKIP;
      case CONFIRMED ->
          throw new FenceViolationException(
              ctx.transactionId(), ctx.branchId(), "cancel after confirm");
    };
  }
}
