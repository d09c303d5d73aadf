package dev.settle.testkit;

import dev.settle.twopc.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseParticipant;
import dev.settle.twopc.Vote;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory storage node for 2PC: the work stages a change per branch; prepare checks it,
 * locks the account and persists it; commit applies; rollback drops it and leaves a tombstone so
 * that a late prepare votes abort. A restart loses staged work and keeps what was prepared,
 * unless {@code forgetsPrepared} plants the bug of keeping prepared state only in memory.
 */
class TwoPhaseShard implements TwoPhaseParticipant, Restartable {
  record Change(String account, long delta) {}

  final String name;
  final boolean forgetsPrepared;
  final Map<String, Long> balances = new HashMap<>();
  private final Map<String, Change> staged = new HashMap<>();
  private final Map<String, Change> prepared = new HashMap<>();
  private final Map<String, String> locks = new HashMap<>();
  private final Set<String> finished = new HashSet<>();
  private final Set<String> committed = new HashSet<>();

  TwoPhaseShard(String name, boolean forgetsPrepared) {
    this.name = name;
    this.forgetsPrepared = forgetsPrepared;
  }

  @Override
  public String name() {
    return name;
  }

  private static String key(TwoPhaseContext ctx) {
    return ctx.transactionId() + "/" + ctx.branchId();
  }

  /** The caller's work: stage a change on this node within branch {@code key}. */
  void stage(String key, String account, long delta) {
    staged.put(key, new Change(account, delta));
  }

  @Override
  public Vote prepare(TwoPhaseContext ctx) {
    String key = key(ctx);
    if (finished.contains(key)) {
      return prepared.containsKey(key) ? Vote.PREPARED : Vote.ABORT; // late or duplicate
    }
    if (prepared.containsKey(key)) {
      return Vote.PREPARED;
    }
    Change change = staged.remove(key);
    if (change == null) {
      return Vote.ABORT; // the work was lost (a restart) or never happened
    }
    String holder = locks.get(change.account());
    if (holder != null && !holder.equals(key)) {
      return Vote.ABORT; // locked by another prepared branch: refuse rather than wait
    }
    if (balances.get(change.account()) + change.delta() < 0) {
      return Vote.ABORT;
    }
    locks.put(change.account(), key);
    prepared.put(key, change);
    return Vote.PREPARED;
  }

  @Override
  public void commit(TwoPhaseContext ctx, boolean onePhase) {
    String key = key(ctx);
    if (finished.contains(key)) {
      return;
    }
    if (onePhase && prepare(ctx) != Vote.PREPARED) {
      throw new IllegalStateException("one-phase commit refused");
    }
    Change change = prepared.remove(key);
    if (change == null) {
      if (forgetsPrepared) {
        finished.add(key);
        return; // the planted bug: a forgotten branch is taken as done
      }
      throw new IllegalStateException(name + ": commit of a branch never prepared: " + key);
    }
    balances.merge(change.account(), change.delta(), Long::sum);
    locks.remove(change.account(), key);
    finished.add(key);
    committed.add(key);
  }

  /**
   * After a one-phase commit with an unknown outcome: committed if it was; otherwise the commit
   * never arrived, and this answer fences it off (a late one finds the branch finished).
   */
  @Override
  public dev.settle.core.BranchState inquire(TwoPhaseContext ctx) {
    if (committed.contains(key(ctx))) {
      return dev.settle.core.BranchState.COMMITTED;
    }
    rollback(ctx);
    return dev.settle.core.BranchState.ROLLED_BACK;
  }

  @Override
  public boolean answersInquiry() {
    return true;
  }

  @Override
  public void rollback(TwoPhaseContext ctx) {
    String key = key(ctx);
    staged.remove(key);
    Change change = prepared.remove(key);
    if (change != null) {
      locks.remove(change.account(), key);
    }
    finished.add(key);
  }

  @Override
  public void restart() {
    staged.clear(); // uncommitted work dies with the process
    if (forgetsPrepared) {
      prepared.values().forEach(c -> locks.remove(c.account()));
      prepared.clear();
    }
  }

  boolean holdsLocks() {
    return !locks.isEmpty() || !prepared.isEmpty();
  }
}
