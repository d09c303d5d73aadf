package dev.settle.readme;

import java.util.HashMap;
import java.util.Map;

/** A storage node's accounts for the README's saga example: what its steps call. */
final class Bank {
  private final Map<String, Long> balances = new HashMap<>();

  Bank(long a, long c) {
    balances.put("A", a);
    balances.put("C", c);
  }

  synchronized void debit(String account, long amount) {
    if (balances.get(account) < amount) {
      throw new IllegalStateException("insufficient funds in " + account);
    }
    balances.merge(account, -amount, Long::sum);
  }

  synchronized void credit(String account, long amount) {
    balances.merge(account, amount, Long::sum);
  }

  synchronized long balance(String account) {
    return balances.get(account);
  }
}
