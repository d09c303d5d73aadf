package dev.settle.examples.wallet;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.util.HashMap;
import java.util.Map;

/**
 * A shard as a TCC participant. Try moves a debit into a reservation, so the money cannot be
 * spent twice while the transaction is open; a credit's Try only notes it. Confirm makes the debit
 * final and credits; Cancel releases the reservation. Meant to run behind a fence (the wallet wraps
 * it in {@code InMemoryTccFence}), which makes repeats no-ops and refuses a Try its Cancel
 * overtook.
 */
public final class TccShard implements TccParticipant {
  private final Shard shard;
  private final Map<String, Long> reserved = new HashMap<>();

  /** The TCC face of {@code shard}. */
  public TccShard(Shard shard) {
    this.shard = shard;
  }

  @Override
  public String name() {
    return shard.name();
  }

  @Override
  public void tryReserve(TccContext ctx) {
    Change change = Change.fromBytes(ctx.payload());
    synchronized (shard) {
      long balance = shard.balance(change.account());
      if (change.delta() < 0) {
        if (balance < -change.delta()) {
          throw new IllegalStateException(
              "insufficient funds: " + change.account() + " holds " + balance + ", needs " + -change.delta());
        }
        shard.add(change.account(), change.delta());
        reserved.merge(change.account(), -change.delta(), Long::sum);
      }
    }
  }

  @Override
  public void confirm(TccContext ctx) {
    Change change = Change.fromBytes(ctx.payload());
    synchronized (shard) {
      if (change.delta() < 0) {
        reserved.merge(change.account(), change.delta(), Long::sum);
      } else {
        shard.add(change.account(), change.delta());
      }
    }
  }

  @Override
  public void cancel(TccContext ctx) {
    Change change = Change.fromBytes(ctx.payload());
    synchronized (shard) {
      if (change.delta() < 0) {
        reserved.merge(change.account(), change.delta(), Long::sum);
        shard.add(change.account(), -change.delta());
      }
    }
  }

  /** Cents still held in reservations; zero once every transaction has finished. */
  public long reserved() {
    synchronized (shard) {
      return reserved.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
