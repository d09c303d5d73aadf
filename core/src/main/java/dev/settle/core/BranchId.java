package dev.settle.core;

import dev.settle.core.internal.check.Identifiers;

/**
 * Identifies one branch (one participant's share of the work) within a transaction. Unique only
 * within its transaction: the pair (transaction id, branch id) is what a fence or an XA branch
 * qualifier is keyed by.
 *
 * @param value the id's text: 1 to 64 characters of letters, digits and {@code . _ : -}
 */
public record BranchId(String value) implements Comparable<BranchId> {
  /** Checks the id's text. */
  public BranchId {
    Identifiers.check(value, "branch id");
  }

  /** Returns the branch id with the given text. */
  public static BranchId of(String value) {
    return new BranchId(value);
  }

  @Override
  public int compareTo(BranchId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
