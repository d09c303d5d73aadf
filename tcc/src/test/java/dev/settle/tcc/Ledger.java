package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A test resource: accounts on one node. A payload "A:-100" debits A, "C:100" credits C. Try
 * moves a debit into a reservation (so it cannot be spent twice) and notes a credit as incoming;
 * Confirm makes both final; Cancel puts them back. It has no fence of its own: a Cancel before
 * its Try would corrupt it, which is what the fence is for.
 */
class Ledger implements TccParticipant {
  private final String name;
  private final Map<String, Long> available = new HashMap<>();
  private final Map<String, Long> reserved = new HashMap<>();
  private final Map<String, Long> incoming = new HashMap<>();

  Ledger(String name) {
    this.name = name;
  }

  synchronized Ledger open(String account, long balance) {
    available.put(account, balance);
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  static String account(TccContext ctx) {
    return new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[0];
  }

  static long amount(TccContext ctx) {
    return Long.parseLong(new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[1]);
  }

  @Override
  public synchronized void tryReserve(TccContext ctx) {
    String account = account(ctx);
    long amount = amount(ctx);
    if (!available.containsKey(account)) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    if (amount < 0) {
      if (available.get(account) < -amount) {
        throw new IllegalStateException("insufficient funds in " + account);
      }
      available.merge(account, amount, Long::sum);
      reserved.merge(account, -amount, Long::sum);
    } else {
      incoming.merge(account, amount, Long::sum);
    }
  }

  @Override
  public synchronized void confirm(TccContext ctx) {
    String account = account(ctx);
    long amount = amount(ctx);
    if (amount < 0) {
      reserved.merge(account, amount, Long::sum);
    } else {
      incoming.merge(account, -amount, Long::sum);
      available.merge(account, amount, Long::sum);
    }
  }

  @Override
  public synchronized void cancel(TccContext ctx) {
    String account = account(ctx);
    long amount = amount(ctx);
    if (amount < 0) {
      reserved.merge(account, amount, Long::sum);
      available.merge(account, -amount, Long::sum);
    } else {
      incoming.merge(account, -amount, Long::sum);
    }
  }

  synchronized long available(String account) {
    return available.getOrDefault(account, 0L);
  }

  synchronized long held() {
    return reserved.values().stream().mapToLong(Long::longValue).sum()
        + incoming.values().stream().mapToLong(Long::longValue).sum();
  }

  synchronized long total() {
    return available.values().stream().mapToLong(Long::longValue).sum()
        + reserved.values().stream().mapToLong(Long::longValue).sum();
  }
}
