package dev.settle.examples.wallet;

import dev.settle.saga.spi.SagaContext;
import java.util.HashMap;
import java.util.Map;

/**
 * A shard as the target of saga steps, each its own local transaction, with a barrier per
 * (transaction, step): a repeated action or compensation is a no-op, and a compensation that
 * arrives before its action leaves a mark that turns the late action into a no-op.
 */
public final class SagaShard {
  private enum Mark {
    APPLIED,
    COMPENSATED,
    COMPENSATED_FIRST
  }

  private final Shard shard;
  private final Map<String, Mark> barrier = new HashMap<>();

  /** The saga face of {@code shard}. */
  public SagaShard(Shard shard) {
    this.shard = shard;
  }

  /** The shard. */
  public Shard shard() {
    return shard;
  }

  private static String key(SagaContext ctx) {
    return ctx.transactionId() + "/" + ctx.step();
  }

  /** The step's action: applies the change once. */
  public void apply(SagaContext ctx, Change change) {
    synchronized (shard) {
      if (barrier.containsKey(key(ctx))) {
        return;
      }
      long balance = shard.balance(change.account());
      if (balance + change.delta() < 0) {
        throw new IllegalStateException(
            "insufficient funds: " + change.account() + " holds " + balance + ", needs " + -change.delta());
      }
      shard.add(change.account(), change.delta());
      barrier.put(key(ctx), Mark.APPLIED);
    }
  }

  /** The step's compensation: undoes the change if it was applied, and only once. */
  public void compensate(SagaContext ctx, Change change) {
    synchronized (shard) {
      Mark mark = barrier.get(key(ctx));
      if (mark == Mark.APPLIED) {
        shard.add(change.account(), -change.delta());
        barrier.put(key(ctx), Mark.COMPENSATED);
      } else if (mark == null) {
        barrier.put(key(ctx), Mark.COMPENSATED_FIRST);
      }
    }
  }
}
