package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks of the design's invariants that apply to balance-like resources. Each throws an
 * {@link AssertionError} that says what broke and by how much.
 */
public final class Invariants {
  private Invariants() {}

  /** Conservation: the total is what it was; no money created or destroyed. */
  public static void conservation(long totalBefore, long totalAfter) {
    if (totalBefore != totalAfter) {
      throw new AssertionError(
          "conservation: total was " + totalBefore + ", is " + totalAfter + " ("
              + (totalAfter > totalBefore ? "+" : "") + (totalAfter - totalBefore) + ")");
    }
  }

  /** No negative balance in committed state. */
  public static void noNegativeBalance(Map<String, Long> balances) {
    balances.forEach(
        (account, balance) -> {
          if (balance < 0) {
            throw new AssertionError("negative balance: " + account + " holds " + balance);
          }
        });
  }

  /** No hanging reservation: once quiet, nothing is held in reservations. */
  public static void noHangingReservation(long held) {
    if (held != 0) {
      throw new AssertionError("hanging reservation: " + held + " still reserved after the run");
    }
  }

  /** Atomicity: every branch of a transaction ended the same way. */
  public static void atomic(Object transaction, Map<?, Boolean> appliedByBranch) {
    if (appliedByBranch.values().stream().distinct().count() > 1) {
      throw new AssertionError(
          "atomicity: transaction " + transaction + " applied on some branches only: "
              + appliedByBranch);
    }
  }

  /**
   * Truthful outcome: what the coordinator reported matches what the participants applied, as
   * recorded in {@code applied}. A {@link Outcome.Committed} needs every branch (but a read-only
   * one) applied forward; a {@link Outcome.RolledBack} needs every branch to have applied nothing
   * or to have been undone; in every outcome, a branch reported {@link BranchState#COMMITTED}
   * applied forward, one reported {@link BranchState#ROLLED_BACK} or {@link
   * BranchState#READ_ONLY} applied nothing (or was undone), and one reported {@link
   * BranchState#HEURISTIC_MIXED} applied a mix. {@link Outcome.InDoubt} and the other branch
   * states claim nothing and always pass. Check against the state once the run is quiet: what a
   * participant applied by then is final.
   */
  public static void truthfulOutcome(Outcome outcome, AppliedLedger applied) {
    Map<BranchId, AppliedLedger.Applied> truth = new HashMap<>(applied.of(outcome.transactionId()));
    outcome.branches().keySet().forEach(b -> truth.putIfAbsent(b, AppliedLedger.Applied.NOTHING));
    for (Map.Entry<BranchId, AppliedLedger.Applied> e : truth.entrySet()) {
      BranchState claimed = outcome.branches().get(e.getKey());
      AppliedLedger.Applied real = e.getValue();
      boolean forward = real == AppliedLedger.Applied.FORWARD;
      boolean none = real == AppliedLedger.Applied.NOTHING || real == AppliedLedger.Applied.UNDONE;
      String lie = null;
      if (outcome instanceof Outcome.Committed && claimed != BranchState.READ_ONLY && !forward) {
        lie = "reported Committed";
      } else if (outcome instanceof Outcome.RolledBack && !none) {
        lie = "reported RolledBack";
      } else if (claimed == BranchState.COMMITTED && !forward) {
        lie = "reported the branch COMMITTED";
      } else if ((claimed == BranchState.ROLLED_BACK || claimed == BranchState.READ_ONLY) && !none) {
        lie = "reported the branch " + claimed;
      } else if (claimed == BranchState.HEURISTIC_MIXED && real != AppliedLedger.Applied.MIXED) {
        lie = "reported the branch HEURISTIC_MIXED";
      }
      if (lie != null) {
        throw new AssertionError(
            "truthful outcome: " + lie + " but branch " + e.getKey() + " of transaction "
                + outcome.transactionId() + " applied " + real + "; the outcome was " + outcome);
      }
    }
  }

  /**
   * Bounded calls: {@code execute} of {@code transaction} returned within {@code bound} (see
   * {@link CallBudget#bound}); {@code took} is measured on the world's virtual clock.
   */
  public static void boundedCall(Object transaction, Duration took, Duration bound) {
    if (took.compareTo(bound) > 0) {
      throw new AssertionError(
          "bounded calls: execute of " + transaction + " took " + took + " of virtual time, more"
              + " than its bound of " + bound);
    }
  }

  /**
   * No re-run: no branch's change took effect twice ({@link AppliedLedger#reapplied()}), as it
   * would if a transaction ran again under a reused id.
   */
  public static void noRerun(AppliedLedger applied) {
    if (!applied.reapplied().isEmpty()) {
      throw new AssertionError("no re-run: branches applied again after they had taken effect: "
          + applied.reapplied());
    }
  }
}
