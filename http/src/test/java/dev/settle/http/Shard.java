package dev.settle.http;

import dev.settle.core.BusinessRefusalException;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test shard: accounts in memory, no fence of its own. "A:-100" debits A (Try moves the amount
 * into a reservation), "C:100" credits C (Try notes it as incoming); Confirm makes both final,
 * Cancel puts them back. Counts the business calls that reached it.
 */
class Shard implements TccParticipant {
  private final String name;
  private final Map<String, Long> available = new HashMap<>();
  private final Map<String, Long> reserved = new HashMap<>();
  private final Map<String, Long> incoming = new HashMap<>();
  final AtomicInteger tries = new AtomicInteger();
  final AtomicInteger confirms = new AtomicInteger();
  final AtomicInteger cancels = new AtomicInteger();
  /** How long each Try's business code takes, outside the shard's lock. */
  volatile long tryDelayMillis;

  Shard(String name) {
    this.name = name;
  }

  synchronized Shard open(String account, long balance) {
    available.put(account, balance);
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  private static String[] parts(TccContext ctx) {
    return new String(ctx.payload(), StandardCharsets.UTF_8).split(":");
  }

  @Override
  public void tryReserve(TccContext ctx) {
    if (tryDelayMillis > 0) {
      try {
        Thread.sleep(tryDelayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    reserve(ctx);
  }

  private synchronized void reserve(TccContext ctx) {
    tries.incrementAndGet();
    String account = parts(ctx)[0];
    long amount = Long.parseLong(parts(ctx)[1]);
    if (!available.containsKey(account)) {
      throw new IllegalArgumentException("unknown account " + account);
    }
    if (amount < 0) {
      if (available.get(account) < -amount) {
        throw new BusinessRefusalException("insufficient funds in " + account);
      }
      available.merge(account, amount, Long::sum);
      reserved.merge(account, -amount, Long::sum);
    } else {
      incoming.merge(account, amount, Long::sum);
    }
  }

  @Override
  public synchronized void confirm(TccContext ctx) {
    confirms.incrementAndGet();
    String account = parts(ctx)[0];
    long amount = Long.parseLong(parts(ctx)[1]);
    if (amount < 0) {
      reserved.merge(account, amount, Long::sum);
    } else {
      incoming.merge(account, -amount, Long::sum);
      available.merge(account, amount, Long::sum);
    }
  }

  @Override
  public synchronized void cancel(TccContext ctx) {
    cancels.incrementAndGet();
    String account = parts(ctx)[0];
    long amount = Long.parseLong(parts(ctx)[1]);
    if (amount < 0) {
      reserved.merge(account, amount, Long::sum);
      available.merge(account, -amount, Long::sum);
    } else {
      incoming.merge(account, -amount, Long::sum);
    }
  }

  synchronized long balance(String account) {
    return available.getOrDefault(account, 0L);
  }

  /** Everything held in reservations or noted as incoming; 0 when the shard is quiet. */
  synchronized long pending() {
    return reserved.values().stream().mapToLong(Long::longValue).sum()
        + incoming.values().stream().mapToLong(Long::longValue).sum();
  }
}
