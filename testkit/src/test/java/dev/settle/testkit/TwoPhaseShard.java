package dev.settle.testkit;

import dev.settle.core.BranchState;
import dev.settle.core.TransactionId;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory storage node for 2PC: the work stages changes per branch; prepare checks them,
 * locks the accounts and persists them; commit applies (and records it in the world's {@link
 * AppliedLedger}); rollback drops them and leaves a tombstone so that a late prepare votes abort.
 * A restart loses staged work and keeps what was prepared, unless {@code forgetsPrepared} plants
 * the bug of keeping prepared state only in memory.
 */
class TwoPhaseShard implements TwoPhaseParticipant, Restartable, PartlyApplicable {
  final String name;
  final boolean forgetsPrepared;
  final Map<String, Long> balances = new HashMap<>();
  /** Net change applied per transaction, for conservation where a heuristic split one. */
  final Map<TransactionId, Long> appliedByTransaction = new HashMap<>();
  /** One-phase commits applied. */
  long onePhaseCommits;
  private final AppliedLedger ledger;
  private final Map<String, Map<String, Long>> staged = new HashMap<>();
  private final Map<String, Map<String, Long>> prepared = new HashMap<>();
  private final Map<String, String> locks = new HashMap<>();
  private final Set<String> finished = new HashSet<>();
  private final Set<String> committed = new HashSet<>();

  TwoPhaseShard(String name, boolean forgetsPrepared, AppliedLedger ledger) {
    this.name = name;
    this.forgetsPrepared = forgetsPrepared;
    this.ledger = ledger;
  }

  @Override
  public String name() {
    return name;
  }

  private static String key(TwoPhaseContext ctx) {
    return ctx.transactionId() + "/" + ctx.branchId();
  }

  /** The caller's work: stage a change of {@code account} on this node within branch {@code key}. */
  void stage(String key, String account, long delta) {
    staged.computeIfAbsent(key, k -> new HashMap<>()).merge(account, delta, Long::sum);
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
    Map<String, Long> change = staged.remove(key);
    if (change == null) {
      return Vote.ABORT; // the work was lost (a restart) or never happened
    }
    for (Map.Entry<String, Long> e : change.entrySet()) {
      String holder = locks.get(e.getKey());
      if (holder != null && !holder.equals(key)) {
        return Vote.ABORT; // locked by another prepared branch: refuse rather than wait
      }
      if (balances.get(e.getKey()) + e.getValue() < 0) {
        return Vote.ABORT;
      }
    }
    change.keySet().forEach(account -> locks.put(account, key));
    prepared.put(key, change);
    return Vote.PREPARED;
  }

  @Override
  public void commit(TwoPhaseContext ctx, boolean onePhase) {
    String key = key(ctx);
    if (finished.contains(key)) {
      if (committed.contains(key) || forgetsPrepared) {
        return;
      }
      throw new IllegalStateException(name + ": commit after rollback: " + key);
    }
    if (onePhase && prepare(ctx) != Vote.PREPARED) {
      throw new IllegalStateException("one-phase commit refused");
    }
    Map<String, Long> change = prepared.remove(key);
    if (change == null) {
      if (forgetsPrepared) {
        finished.add(key);
        return; // the planted bug: a forgotten branch is taken as done
      }
      throw new IllegalStateException(name + ": commit of a branch never prepared: " + key);
    }
    change.forEach((account, delta) -> {
      balances.merge(account, delta, Long::sum);
      appliedByTransaction.merge(ctx.transactionId(), delta, Long::sum);
      locks.remove(account, key);
    });
    finished.add(key);
    committed.add(key);
    if (onePhase) {
      onePhaseCommits++;
    }
    ledger.forward(ctx.transactionId(), ctx.branchId());
  }

  /** A heuristic mix: applies half of each of the branch's changes and drops the rest. */
  @Override
  public void applyPart(TwoPhaseContext ctx) {
    String key = key(ctx);
    Map<String, Long> change = prepared.get(key);
    if (change == null || finished.contains(key)) {
      throw new IllegalStateException(name + ": nothing prepared to apply part of: " + key);
    }
    prepared.remove(key);
    change.forEach((account, delta) -> {
      balances.merge(account, delta / 2, Long::sum);
      appliedByTransaction.merge(ctx.transactionId(), delta / 2, Long::sum);
      locks.remove(account, key);
    });
    finished.add(key);
    committed.add(key); // as far as later calls go, it is done
    ledger.mixed(ctx.transactionId(), ctx.branchId());
  }

  /**
   * After a one-phase commit with an unknown outcome: committed if it was; otherwise the commit
   * never arrived, and this answer fences it off (a late one finds the branch finished).
   */
  @Override
  public BranchState inquire(TwoPhaseContext ctx) {
    if (committed.contains(key(ctx))) {
      return BranchState.COMMITTED;
    }
    rollback(ctx);
    return BranchState.ROLLED_BACK;
  }

  @Override
  public boolean answersInquiry() {
    return true;
  }

  @Override
  public void rollback(TwoPhaseContext ctx) {
    String key = key(ctx);
    if (committed.contains(key)) {
      throw new IllegalStateException(name + ": rollback after commit: " + key);
    }
    staged.remove(key);
    Map<String, Long> change = prepared.remove(key);
    if (change != null) {
      change.keySet().forEach(account -> locks.remove(account, key));
    }
    finished.add(key);
  }

  @Override
  public void restart() {
    staged.clear(); // uncommitted work dies with the process
    if (forgetsPrepared) {
      prepared.values().forEach(c -> c.keySet().forEach(locks::remove));
      prepared.clear();
    }
  }

  boolean holdsLocks() {
    return !locks.isEmpty() || !prepared.isEmpty();
  }
}
