package dev.settle.examples.wallet;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One storage node of the wallet: its accounts' committed balances, in integer cents. Every
 * protocol's participant works on a shard under the shard's monitor, which is the node's local
 * transaction: one change at a time, all or nothing.
 */
public final class Shard {
  private final String name;
  private final Map<String, Long> balances = new TreeMap<>();

  /** An empty shard. */
  public Shard(String name) {
    this.name = name;
  }

  /** The shard's name, also its participants' name. */
  public String name() {
    return name;
  }

  /** Opens an account with an initial balance. */
  public synchronized void open(String account, long cents) {
    if (cents < 0) {
      throw new IllegalArgumentException("opening balance must not be negative, was " + cents);
    }
    if (balances.putIfAbsent(account, cents) != null) {
      throw new IllegalArgumentException("account " + account + " already exists on " + name);
    }
  }

  /** The committed balance of {@code account}. */
  public synchronized long balance(String account) {
    Long balance = balances.get(account);
    if (balance == null) {
      throw new IllegalArgumentException("unknown account " + account + " on " + name);
    }
    return balance;
  }

  /** Adds {@code delta} (negative: takes) within the caller's local transaction. */
  synchronized void add(String account, long delta) {
    balances.put(account, balance(account) + delta);
  }

  /** Whether the account lives here. */
  public synchronized boolean holds(String account) {
    return balances.containsKey(account);
  }

  /** A snapshot of every committed balance. */
  public synchronized Map<String, Long> balances() {
    return Collections.unmodifiableMap(new TreeMap<>(balances));
  }
}
