package dev.settle.tcc.fence;

import dev.settle.core.ParticipantException;
import dev.settle.tcc.FenceViolationException;
import dev.settle.tcc.spi.TccContext;
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
    SKIP,
    /**
     * Record the Cancel and succeed without touching the resource, leaving the undo to the Try
     * that is still running: it sees the record when its business method returns and compensates
     * its own effect before it can be confirmed or counted. Only stores that run business code
     * outside their lock (the in-memory fence) ever meet a running Try.
     */
    DEFER
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

  /**
   * What {@code phase} does to a branch while another call's business method ({@code running})
   * is still in progress. Stores that hold a lock (a database row lock) across the business
   * method never need this; the in-memory fence releases its lock while business code runs and
   * asks here instead.
   *
   * @param cancelAccepted whether a Cancel was already acknowledged for this branch: it is then
   *     cancelled as far as any caller can tell, even if the undo has not happened yet
   */
  static Action whileRunning(
      Phase phase, Phase running, boolean cancelAccepted, TccContext ctx) {
    if (cancelAccepted) {
      return switch (phase) {
        case TRY ->
            throw new TryRefusedException(
                ctx.transactionId(), ctx.branchId(), "its cancel arrived first");
        case CONFIRM ->
            throw new FenceViolationException(
                ctx.transactionId(), ctx.branchId(), "confirm after cancel");
        // The acknowledged Cancel is still being carried out; a repeat must wait for it.
        case CANCEL -> running == Phase.TRY ? Action.SKIP : busy(ctx, running);
      };
    }
    return switch (running) {
      case TRY ->
          switch (phase) {
            // Succeeding would vouch for a Try that may still fail.
            case TRY ->
                throw new TryRefusedException(
                    ctx.transactionId(),
                    ctx.branchId(),
                    "another delivery of this try is still running");
            // A coordinator confirms only after a Try answered yes, which a running Try has not.
            case CONFIRM ->
                throw new FenceViolationException(
                    ctx.transactionId(), ctx.branchId(), "confirm while its try is still running");
            case CANCEL -> Action.DEFER;
          };
      case CONFIRM ->
          switch (phase) {
            case TRY -> Action.SKIP; // a duplicate of a Try that already ran
            case CONFIRM -> busy(ctx, running);
            case CANCEL ->
                throw new FenceViolationException(
                    ctx.transactionId(), ctx.branchId(), "cancel while its confirm is running");
          };
      case CANCEL ->
          switch (phase) {
            case TRY ->
                throw new TryRefusedException(
                    ctx.transactionId(), ctx.branchId(), "the branch is being cancelled");
            case CONFIRM ->
                throw new FenceViolationException(
                    ctx.transactionId(), ctx.branchId(), "confirm after cancel (cancel running)");
            case CANCEL -> busy(ctx, running);
          };
    };
  }

  /**
   * A repeat of a Confirm or Cancel whose first delivery is still running: neither skipping (the
   * first may still fail) nor running it twice is right, so the caller retries it later, as it
   * retries every phase-two call until acknowledged.
   */
  private static Action busy(TccContext ctx, Phase running) {
    throw new ParticipantException(
        ctx.transactionId(),
        ctx.branchId(),
        "a " + running.name().toLowerCase(java.util.Locale.ROOT)
            + " of this branch is still running; retry later",
        null);
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
