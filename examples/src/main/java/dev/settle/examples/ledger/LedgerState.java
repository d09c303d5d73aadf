package dev.settle.examples.ledger;

import java.util.Arrays;

/**
 * The deterministic state machine: balances by account number, changed only by applying events.
 * Mutable for speed; {@link #copy()} makes snapshots.
 */
public final class LedgerState {
  private long[] balances;
  private int accounts;
  private long applied;

  /** The empty state, before any event. */
  public LedgerState() {
    this.balances = new long[16];
  }

  private LedgerState(long[] balances, int accounts, long applied) {
    this.balances = balances;
    this.accounts = accounts;
    this.applied = applied;
  }

  /** Applies one event. */
  public void apply(LedgerEvent event) {
    if (event instanceof LedgerEvent.MoneyMoved m) {
      balances[m.from()] -= m.cents();
      balances[m.to()] += m.cents();
    } else if (event instanceof LedgerEvent.AccountOpened o) {
      if (o.account() != accounts) {
        throw new IllegalStateException("account " + o.account() + " opened out of order; expected " + accounts);
      }
      if (accounts == balances.length) {
        balances = Arrays.copyOf(balances, accounts * 2);
      }
      balances[accounts++] = o.cents();
    }
    applied++;
  }

  /** The balance of account number {@code account}. */
  public long balance(int account) {
    if (account < 0 || account >= accounts) {
      throw new IllegalArgumentException("no account number " + account);
    }
    return balances[account];
  }

  /** How many accounts exist. */
  public int accounts() {
    return accounts;
  }

  /** How many events made this state. */
  public long applied() {
    return applied;
  }

  /** An independent copy. */
  public LedgerState copy() {
    return new LedgerState(balances.clone(), accounts, applied);
  }

  /** Whether two states hold the same balances. */
  public boolean sameBalances(LedgerState other) {
    return accounts == other.accounts
        && Arrays.equals(balances, 0, accounts, other.balances, 0, other.accounts);
  }
}
