package dev.settle.tcc.fence;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.Assert;
import dev.settle.tcc.TccContext;
import dev.settle.tcc.TccParticipant;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A fence kept in memory, for participants whose resource is in memory too. The record and the
 * business change are made under the same per-branch lock, and the record is written only when
 * the business method returned normally, so the two never disagree.
 *
 * <pre>{@code
 * InMemoryTccFence fence = new InMemoryTccFence(clock, Duration.ofMinutes(10));
 * TccParticipant safe = fence.protect(shard);   // the shard's code stays fence-free
 * }</pre>
 */
public final class InMemoryTccFence {
  private record Key(TransactionId tx, BranchId branch) {}

  private record Row(FenceState state, long deadlineMillis) {}

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
        fenced(ctx, FenceRules.Phase.TRY, participant::tryReserve);
      }

      @Override
      public void confirm(TccContext ctx) {
        fenced(ctx, FenceRules.Phase.CONFIRM, participant::confirm);
      }

      @Override
      public void cancel(TccContext ctx) {
        fenced(ctx, FenceRules.Phase.CANCEL, participant::cancel);
      }

      @Override
      public String toString() {
        return "fenced " + participant;
      }
    };
  }

  private void fenced(TccContext ctx, FenceRules.Phase phase, Consumer<TccContext> business) {
    Key key = new Key(ctx.transactionId(), ctx.branchId());
    rows.compute(
        key,
        (k, row) -> {
          FenceState current = row == null ? null : row.state();
          FenceRules.Action action = FenceRules.decide(phase, current, ctx, clock.instant());
          long deadline = ctx.deadline().toEpochMilli();
          return switch (action) {
            case SKIP -> row;
            case MARK_ONLY -> new Row(FenceState.CANCELLED_BEFORE_TRY, deadline);
            case RUN -> {
              // Inside compute: the record changes only if the business call returns normally.
              business.accept(ctx);
              yield new Row(phase.after, deadline);
            }
          };
        });
  }

  /** The branch's record, if any. */
  public Optional<FenceState> state(TransactionId tx, BranchId branch) {
    Row row = rows.get(new Key(tx, branch));
    return row == null ? Optional.empty() : Optional.of(row.state());
  }

  /**
   * Removes up to {@code maxRows} records whose transaction deadline lies more than the horizon
   * in the past, except Tries still waiting for their Confirm or Cancel. A Try that arrives after
   * its row was removed is refused by its deadline, so cleaning never lets a late Try through.
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
      if (row.state() != FenceState.TRIED && row.deadlineMillis() < cutoff) {
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
