package dev.settle.tcc.fence;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TryRefusedException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fence kept in memory, for participants whose resource is in memory too.
 *
 * <p><b>No lock is held while business code runs.</b> Each call takes the branch's record in a
 * short critical section (a {@link ConcurrentHashMap#compute} that never calls the participant),
 * marks it as running, runs the business method with no lock held, and then records the result
 * in a second short critical section. A slow or stuck Try therefore blocks neither its own Cancel
 * nor any other branch, and the coordinator's Try timeout holds.
 *
 * <p><b>A Cancel that meets its Try still running</b> is recorded as accepted and answered at
 * once, without touching the resource; the Try, when its business method returns, finds the
 * record and undoes its own effect by calling the participant's {@code cancel} before anything
 * else can see the branch as tried, and then fails. The Cancel may report success because, from
 * the moment it is recorded, the Try can no longer end as a reservation that someone must
 * release: it either failed (nothing to undo) or is undone by its own thread. We chose this over
 * making the Cancel wait: a bounded wait would still have to answer something when a stuck Try
 * outlives it, and "unknown" would leave the transaction in doubt for as long as the Try runs.
 * The one case the undo cannot settle by itself is a participant {@code cancel} that throws: the
 * branch then stays {@link FenceState#TRIED} (still holding the reservation, never cleaned up),
 * the failure is logged at ERROR, and the next Cancel delivered for the branch runs the undo again;
 * a Confirm is refused, as after any Cancel.
 *
 * <p>A repeated Confirm or Cancel that arrives while its first delivery is still running fails
 * with a {@link dev.settle.core.ParticipantException} asking to retry (the coordinator retries
 * every phase-two call until acknowledged); a repeated Try is refused. The remaining rules are
 * those of every fence ({@code FenceRules}): a Cancel with no record leaves the "cancelled before
 * try" flag, a Try that finds it is refused, repeats of finished calls are no-ops, and
 * contradictions are {@link dev.settle.tcc.FenceViolationException}s.
 *
 * <pre>{@code
 * InMemoryTccFence fence = new InMemoryTccFence(clock, Duration.ofMinutes(10));
 * TccParticipant safe = fence.protect(shard);   // the shard's code stays fence-free
 * }</pre>
 *
 * <p><b>Thread safety.</b> Thread-safe: one fence guards every participant it protects, for
 * calls arriving on any number of threads; its short critical sections never include the
 * participant's own code.
 */
public final class InMemoryTccFence {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryTccFence.class);

  private record Key(TransactionId tx, BranchId branch) {}

  /**
   * Where a branch stands. The {@code -ING} stages mean a business method of that phase is
   * running with no lock held.
   */
  private enum Stage {
    TRYING(FenceRules.Phase.TRY, null),
    TRIED(null, FenceState.TRIED),
    CONFIRMING(FenceRules.Phase.CONFIRM, FenceState.TRIED),
    CONFIRMED(null, FenceState.CONFIRMED),
    CANCELLING(FenceRules.Phase.CANCEL, FenceState.TRIED),
    CANCELLED(null, FenceState.CANCELLED),
    CANCELLED_BEFORE_TRY(null, FenceState.CANCELLED_BEFORE_TRY);

    /** The phase whose business method is running, if any. */
    final FenceRules.@Nullable Phase running;

    /**
     * What the resource has durably applied; a running Try has applied nothing yet (like an
     * uncommitted row), a running Confirm or Cancel leaves it tried.
     */
    final @Nullable FenceState applied;

    Stage(FenceRules.@Nullable Phase running, @Nullable FenceState applied) {
      this.running = running;
      this.applied = applied;
    }

    static Stage of(FenceState state) {
      return switch (state) {
        case TRIED -> TRIED;
        case CONFIRMED -> CONFIRMED;
        case CANCELLED -> CANCELLED;
        case CANCELLED_BEFORE_TRY -> CANCELLED_BEFORE_TRY;
      };
    }

    static Stage running(FenceRules.Phase phase) {
      return switch (phase) {
        case TRY -> TRYING;
        case CONFIRM -> CONFIRMING;
        case CANCEL -> CANCELLING;
      };
    }
  }

  /**
   * A branch's record.
   *
   * @param cancelAccepted a Cancel was acknowledged while the reservation may still exist (met a
   *     running Try, or its undo failed): the branch is cancelled for every later call, and the
   *     undo is still owed
   */
  private record Row(Stage stage, boolean cancelAccepted, long deadlineMillis) {
    Row to(Stage next) {
      return new Row(next, cancelAccepted, deadlineMillis);
    }

    /** What callers see: an accepted Cancel counts even before its undo ran. */
    @Nullable FenceState visible() {
      return stage == Stage.TRYING && cancelAccepted
          ? FenceState.CANCELLED_BEFORE_TRY
          : stage.applied;
    }
  }

  private final Clock clock;
  private final Duration horizon;
  private final Map<Key, Row> rows = new ConcurrentHashMap<>();

  /**
   * A fence.
   *
   * @param clock judges Try deadlines and cleanup
   * @param horizon how long past a transaction's deadline its rows are kept; longer than any
   *     message delay, so that a very late duplicate still meets its record
   */
  public InMemoryTccFence(Clock clock, Duration horizon) {
    this.clock = Assert.notNull(clock, "clock");
    this.horizon = Assert.notNegative(horizon, "horizon");
  }

  /** A fence on the system clock that keeps rows ten minutes past their deadline. */
  public static InMemoryTccFence create() {
    return new InMemoryTccFence(Clock.systemUTC(), Duration.ofMinutes(10));
  }

  /** Wraps {@code participant} so that every call passes this fence; the name is kept. */
  public TccParticipant protect(TccParticipant participant) {
    Assert.notNull(participant, "participant");
    return new TccParticipant() {
      @Override
      public String name() {
        return participant.name();
      }

      @Override
      public void tryReserve(TccContext ctx) {
        fenced(ctx, FenceRules.Phase.TRY, participant);
      }

      @Override
      public void confirm(TccContext ctx) {
        fenced(ctx, FenceRules.Phase.CONFIRM, participant);
      }

      @Override
      public void cancel(TccContext ctx) {
        fenced(ctx, FenceRules.Phase.CANCEL, participant);
      }

      @Override
      public String toString() {
        return "fenced " + participant;
      }
    };
  }

  private void fenced(TccContext ctx, FenceRules.Phase phase, TccParticipant participant) {
    Key key = new Key(ctx.transactionId(), ctx.branchId());
    if (claim(key, phase, ctx) != FenceRules.Action.RUN) {
      return; // skipped, flagged or deferred: the resource is not touched
    }
    // The record says this call is running; no lock is held from here to finish().
    try {
      call(participant, phase, ctx);
    } catch (Throwable failure) {
      // Every Throwable: an Error from business code must not leave the branch marked running.
      abandon(key, phase);
      throw failure;
    }
    if (finish(key, phase)) {
      undoTry(key, ctx, participant);
    }
  }

  /**
   * The first critical section: applies the rules to the branch's record and, when the business
   * method is to run, marks the record as running. Never calls the participant.
   */
  private FenceRules.Action claim(Key key, FenceRules.Phase phase, TccContext ctx) {
    FenceRules.Action[] decided = new FenceRules.Action[1];
    rows.compute(
        key,
        (k, row) -> {
          FenceRules.Action action = decide(phase, row, ctx);
          decided[0] = action;
          return switch (action) {
            case SKIP -> row;
            case MARK_ONLY ->
                new Row(Stage.CANCELLED_BEFORE_TRY, false, ctx.deadline().toEpochMilli());
            case DEFER -> new Row(Stage.TRYING, true, Assert.notNull(row, "row").deadlineMillis());
            case RUN ->
                row == null
                    ? new Row(Stage.TRYING, false, ctx.deadline().toEpochMilli())
                    : row.to(Stage.running(phase));
          };
        });
    return Assert.notNull(decided[0], "decided action");
  }

  private FenceRules.Action decide(FenceRules.Phase phase, @Nullable Row row, TccContext ctx) {
    if (row == null) {
      return FenceRules.decide(phase, null, ctx, clock.instant());
    }
    FenceRules.Phase running = row.stage().running;
    if (running != null) {
      return FenceRules.whileRunning(phase, running, row.cancelAccepted(), ctx);
    }
    if (row.cancelAccepted()) {
      // A tried branch whose acknowledged Cancel still owes its undo: cancelled for Try and
      // Confirm, and a Cancel runs the undo again.
      return phase == FenceRules.Phase.CANCEL
          ? FenceRules.Action.RUN
          : FenceRules.decide(phase, FenceState.CANCELLED, ctx, clock.instant());
    }
    FenceState settled = Assert.notNull(row.stage().applied, "state");
    return FenceRules.decide(phase, settled, ctx, clock.instant());
  }

  private static void call(TccParticipant participant, FenceRules.Phase phase, TccContext ctx) {
    switch (phase) {
      case TRY -> participant.tryReserve(ctx);
      case CONFIRM -> participant.confirm(ctx);
      case CANCEL -> participant.cancel(ctx);
    }
  }

  /**
   * The second critical section after a business method returned normally. Returns whether the
   * call was a Try that a Cancel met while it ran, which must now undo itself; its record is then
   * already marked as cancelling, so nothing can confirm it in between.
   */
  private boolean finish(Key key, FenceRules.Phase phase) {
    boolean[] undo = new boolean[1];
    rows.computeIfPresent(
        key,
        (k, row) -> {
          if (phase == FenceRules.Phase.TRY && row.cancelAccepted()) {
            undo[0] = true;
            return row.to(Stage.CANCELLING);
          }
          // The cancel, if one was owed, is now done.
          return phase == FenceRules.Phase.CANCEL
              ? new Row(Stage.CANCELLED, false, row.deadlineMillis())
              : row.to(Stage.of(phase.after));
        });
    return undo[0];
  }

  /** The second critical section after a business method threw: its effect did not happen. */
  private void abandon(Key key, FenceRules.Phase phase) {
    rows.computeIfPresent(
        key,
        (k, row) ->
            switch (phase) {
              // A failed Try leaves no record, as if it never ran, so a later Cancel is the
              // source's no-op. If a Cancel was accepted meanwhile, its flag stays, and since
              // the Try changed nothing, no undo is owed any more.
              case TRY ->
                  row.cancelAccepted()
                      ? new Row(Stage.CANCELLED_BEFORE_TRY, false, row.deadlineMillis())
                      : null;
              case CONFIRM, CANCEL -> row.to(Stage.TRIED);
            });
  }

  /**
   * Undoes a Try that succeeded after its Cancel was acknowledged, on the Try's own thread, and
   * then fails the Try so that nobody counts it as a reservation.
   */
  private void undoTry(Key key, TccContext ctx, TccParticipant participant) {
    try {
      participant.cancel(ctx);
    } catch (Throwable failure) {
      abandon(key, FenceRules.Phase.CANCEL); // back to TRIED, still owing the cancel
      LOG.error(
          "tx {} branch {}: its cancel was acknowledged while the try ran, and undoing the try"
              + " failed; the reservation is held until the next cancel of this branch",
          ctx.transactionId(),
          ctx.branchId(),
          failure);
      throw failure;
    }
    finish(key, FenceRules.Phase.CANCEL);
    throw new TryRefusedException(
        ctx.transactionId(),
        ctx.branchId(),
        "its cancel arrived while it ran; its effect was undone");
  }

  /**
   * The branch's record, if any: what the resource has applied, with an acknowledged Cancel
   * counted at once. A Try still running has no record yet; a Confirm or Cancel still running
   * leaves the branch {@link FenceState#TRIED}.
   */
  public Optional<FenceState> state(TransactionId tx, BranchId branch) {
    Row row = rows.get(new Key(tx, branch));
    return row == null ? Optional.empty() : Optional.ofNullable(row.visible());
  }

  /**
   * Removes up to {@code maxRows} records whose transaction deadline lies more than the horizon
   * in the past, except Tries still waiting for their Confirm or Cancel and calls still running.
   * A Try that arrives after its row was removed is refused by its deadline, so cleaning never
   * lets a late Try through.
   *
   * @return how many rows were removed; call again while it equals {@code maxRows}
   */
  public int cleanUp(int maxRows) {
    Assert.atLeast(maxRows, 1, "maxRows");
    long cutoff = clock.millis() - horizon.toMillis();
    int removed = 0;
    Iterator<Map.Entry<Key, Row>> it = rows.entrySet().iterator();
    while (it.hasNext() && removed < maxRows) {
      Row row = it.next().getValue();
      // Only finished rows: a running call or a tried branch still needs its record.
      boolean finished = row.stage().running == null && row.stage() != Stage.TRIED;
      if (finished && row.deadlineMillis() < cutoff) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  /** How many records the fence holds. */
  public int size() {
    return rows.size();
  }
}
