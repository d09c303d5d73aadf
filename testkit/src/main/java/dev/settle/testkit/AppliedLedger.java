package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What participants really applied, per (transaction, branch): the ground truth that the
 * truthful-outcome invariant ({@link Invariants#truthfulOutcome}) holds every reported outcome
 * against. A participant in a scenario records here when its change takes effect for good: a 2PC
 * commit (one-phase included), a TCC Confirm, a saga action; and when it is undone: a saga
 * compensation of an applied action. A heuristic participant that applied part of a branch
 * records {@link #mixed}. A Try, a prepare and a rollback of a prepared branch apply nothing.
 *
 * <p>Not thread-safe beyond its own monitor; simulations are single-threaded.
 */
public final class AppliedLedger {
  /** What one branch applied, as far as its participant says. */
  public enum Applied {
    /** Nothing, or nothing yet. */
    NOTHING,
    /** The branch's change took effect (committed, confirmed, the action ran). */
    FORWARD,
    /** The change took effect and was undone again (compensated). */
    UNDONE,
    /** Part of the change took effect and part did not (a heuristic mix). */
    MIXED
  }

  private final Map<TransactionId, Map<BranchId, Applied>> applied = new HashMap<>();
  private final Map<String, Integer> reapplied = new LinkedHashMap<>();

  /** The branch's change took effect. Applying it again, with nothing undone between, is noted. */
  public synchronized void forward(TransactionId tx, BranchId branch) {
    Applied before = branches(tx).put(branch, Applied.FORWARD);
    if (before == Applied.FORWARD || before == Applied.UNDONE) {
      reapplied.merge(tx + "/" + branch, 1, Integer::sum);
    }
  }

  /** The branch's change was undone; a no-op when it never took effect. */
  public synchronized void undone(TransactionId tx, BranchId branch) {
    Map<BranchId, Applied> b = branches(tx);
    if (b.get(branch) == Applied.FORWARD) {
      b.put(branch, Applied.UNDONE);
    }
  }

  /** Part of the branch's change took effect, part did not. */
  public synchronized void mixed(TransactionId tx, BranchId branch) {
    branches(tx).put(branch, Applied.MIXED);
  }

  /** What {@code branch} of {@code tx} applied. */
  public synchronized Applied of(TransactionId tx, BranchId branch) {
    Map<BranchId, Applied> b = applied.get(tx);
    Applied a = b == null ? null : b.get(branch);
    return a == null ? Applied.NOTHING : a;
  }

  /** Every branch of {@code tx} that recorded anything. */
  public synchronized Map<BranchId, Applied> of(TransactionId tx) {
    Map<BranchId, Applied> b = applied.get(tx);
    return b == null ? Map.of() : Map.copyOf(b);
  }

  /**
   * Branches whose change took effect a second time after it had already taken effect ("tx/branch"
   * to how often): a transaction that ran again.
   */
  public synchronized Map<String, Integer> reapplied() {
    return Map.copyOf(reapplied);
  }

  private Map<BranchId, Applied> branches(TransactionId tx) {
    return applied.computeIfAbsent(tx, t -> new HashMap<>());
  }
}
