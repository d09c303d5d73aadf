package dev.settle.core;

import dev.settle.core.internal.check.Identifiers;

/**
 * Identifies one global transaction across the coordinator, its log and every participant.
 *
 * <p>Ids made by {@link TransactionIdGenerator#timeOrdered} sort by creation time, so a log or a
 * fence table ordered by id is ordered by age. An id is 1 to 64 characters of letters, digits and
 * {@code . _ : -}.
 *
 * @param value the id's text
 */
public record TransactionId(String value) implements Comparable<TransactionId> {
  /** Checks the id's text. */
  public TransactionId {
    Identifiers.check(value, "transaction id");
  }

  /** Returns the transaction id with the given text. */
  public static TransactionId of(String value) {
    return new TransactionId(value);
  }

  @Override
  public int compareTo(TransactionId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
