package dev.settle.testkit;

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
}
