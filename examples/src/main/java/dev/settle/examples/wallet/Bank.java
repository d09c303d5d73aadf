package dev.settle.examples.wallet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The wallet's accounts, partitioned across shards. */
public final class Bank {
  private final List<Shard> shards = new ArrayList<>();
  private final Map<String, Shard> byAccount = new LinkedHashMap<>();

  /** A bank with {@code shardCount} empty shards named shard-0, shard-1, ... */
  public Bank(int shardCount) {
    if (shardCount < 1) {
      throw new IllegalArgumentException("a bank needs at least one shard, was " + shardCount);
    }
    for (int i = 0; i < shardCount; i++) {
      shards.add(new Shard("shard-" + i));
    }
  }

  /** A bank of {@code accounts} accounts a0, a1, ... spread round-robin, each opened with {@code cents}. */
  public static Bank of(int shardCount, int accounts, long cents) {
    if (accounts < 2) {
      throw new IllegalArgumentException("transfers need at least two accounts, was " + accounts);
    }
    Bank bank = new Bank(shardCount);
    for (int i = 0; i < accounts; i++) {
      bank.open("a" + i, i % shardCount, cents);
    }
    return bank;
  }

  /** Opens {@code account} on shard {@code index}. */
  public void open(String account, int index, long cents) {
    Shard shard = shards.get(index);
    shard.open(account, cents);
    byAccount.put(account, shard);
  }

  /** The shards. */
  public List<Shard> shards() {
    return List.copyOf(shards);
  }

  /** The accounts, in opening order. */
  public List<String> accounts() {
    return List.copyOf(byAccount.keySet());
  }

  /** Where {@code account} lives. */
  public Shard shardOf(String account) {
    Shard shard = byAccount.get(account);
    if (shard == null) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    return shard;
  }

  /** The sum of every committed balance. */
  public long total() {
    return shards.stream().flatMap(s -> s.balances().values().stream()).mapToLong(Long::longValue).sum();
  }

  /** How many accounts hold a negative balance. */
  public long negativeBalances() {
    return shards.stream().flatMap(s -> s.balances().values().stream()).filter(b -> b < 0).count();
  }
}
