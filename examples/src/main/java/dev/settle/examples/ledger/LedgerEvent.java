package dev.settle.examples.ledger;

/**
 * A verified fact in the past tense: what the ledger's state machine applies. Events carry
 * everything needed to apply them, never a reason to doubt them, so replaying the same events
 * always rebuilds the same state.
 */
public sealed interface LedgerEvent permits LedgerEvent.AccountOpened, LedgerEvent.MoneyMoved {
  /** When the command behind it was fulfilled, epoch milliseconds. */
  long timeMillis();

  /**
   * An account was opened.
   *
   * @param account the account's number (its index in the ledger)
   * @param name the account's name
   * @param cents its opening balance
   * @param timeMillis when
   */
  record AccountOpened(int account, String name, long cents, long timeMillis) implements LedgerEvent {}

  /**
   * Money was moved.
   *
   * @param from the debited account's number
   * @param to the credited account's number
   * @param cents how much
   * @param timeMillis when
   */
  record MoneyMoved(int from, int to, long cents, long timeMillis) implements LedgerEvent {}
}
