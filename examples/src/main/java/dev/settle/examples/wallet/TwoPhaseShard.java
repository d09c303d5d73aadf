package dev.settle.examples.wallet;

import dev.settle.testkit.Restartable;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A shard as a 2PC participant, behaving like a database: the work stages a change; prepare
 * checks it, takes the account's lock and makes the change durable; the lock is held until commit
 * or rollback arrives (the source's warning about 2PC). A rollback leaves a tombstone so that a
 * prepare arriving late votes abort. A restart loses staged work, keeps prepared changes.
 */
public final class TwoPhaseShard implements TwoPhaseParticipant, Restartable {
  private final Shard shard;
  private final Map<String, Change> staged = new HashMap<>();
  private final Map<String, Change> prepared = new HashMap<>();
  private final Map<String, String> locks = new HashMap<>();
  private final Set<String> finished = new HashSet<>();

  /** The 2PC face of {@code shard}. */
  public TwoPhaseShard(Shard shard) {
    this.shard = shard;
  }

  @Override
  public String name() {
    return shard.name();
  }

  private static String key(TwoPhaseContext ctx) {
    return ctx.transactionId() + "/" + ctx.branchId();
  }

  /** The caller's work: stages {@code change} for branch {@code branchKey} ("tx/branch"). */
  public void stage(String branchKey, Change change) {
    synchronized (shard) {
      if (!shard.holds(change.account())) {
        throw new IllegalArgumentException("unknown account " + change.account() + " on " + shard.name());
      }
      staged.put(branchKey, change);
    }
  }

  @Override
  public Vote prepare(TwoPhaseContext ctx) {
    String key = key(ctx);
    synchronized (shard) {
      if (prepared.containsKey(key)) {
        return Vote.PREPARED;
      }
      if (finished.contains(key)) {
        return Vote.ABORT; // rolled back before this (late) prepare arrived
      }
      Change change = staged.remove(key);
      if (change == null) {
        return Vote.ABORT; // the work was lost in a restart
      }
      String holder = locks.get(change.account());
      if (holder != null) {
        return Vote.ABORT; // another prepared branch holds the lock; no waiting in a demo
      }
      if (shard.balance(change.account()) + change.delta() < 0) {
        return Vote.ABORT;
      }
      locks.put(change.account(), key);
      prepared.put(key, change);
      return Vote.PREPARED;
    }
  }

  @Override
  public void commit(TwoPhaseContext ctx, boolean onePhase) {
    String key = key(ctx);
    synchronized (shard) {
      if (finished.contains(key) && !prepared.containsKey(key)) {
        return; // already committed
      }
      if (onePhase && prepare(ctx) != Vote.PREPARED) {
        throw new IllegalStateException("one-phase commit refused on " + shard.name());
      }
      Change change = prepared.remove(key);
      if (change == null) {
        throw new IllegalStateException(shard.name() + ": commit of a branch never prepared: " + key);
      }
      shard.add(change.account(), change.delta());
      locks.remove(change.account(), key);
      finished.add(key);
    }
  }

  @Override
  public void rollback(TwoPhaseContext ctx) {
    String key = key(ctx);
    synchronized (shard) {
      staged.remove(key);
      Change change = prepared.remove(key);
      if (change != null) {
        locks.remove(change.account(), key);
      }
      finished.add(key);
    }
  }

  @Override
  public void restart() {
    synchronized (shard) {
      staged.clear(); // uncommitted work dies with the process; prepared changes are durable
    }
  }

  /** Branches still prepared and holding a lock. */
  public int preparedBranches() {
    synchronized (shard) {
      return prepared.size();
    }
  }
}
