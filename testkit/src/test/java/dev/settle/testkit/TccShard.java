package dev.settle.testkit;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory storage node for TCC tests. Payload "account:delta". Try moves a debit into a
 * reservation and notes a credit as incoming; Confirm finalises (and records it in the world's
 * {@link AppliedLedger}); Cancel puts back. No fence of its own: tests wrap it in one (or
 * deliberately do not).
 */
class TccShard implements TccParticipant {
  final String name;
  final Map<String, Long> available = new HashMap<>();
  final Map<String, Long> reserved = new HashMap<>();
  final Map<String, Long> incoming = new HashMap<>();
  final Set<String> confirmed = new HashSet<>();
  private final AppliedLedger ledger;

  TccShard(String name, AppliedLedger ledger) {
    this.name = name;
    this.ledger = ledger;
  }

  @Override
  public String name() {
    return name;
  }

  static String account(TccContext ctx) {
    return new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[0];
  }

  static long delta(TccContext ctx) {
    return Long.parseLong(new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[1]);
  }

  @Override
  public void tryReserve(TccContext ctx) {
    String a = account(ctx);
    long d = delta(ctx);
    if (d < 0) {
      if (available.get(a) < -d) {
        throw new IllegalStateException("insufficient funds in " + a);
      }
      available.merge(a, d, Long::sum);
      reserved.merge(a, -d, Long::sum);
    } else {
      incoming.merge(a, d, Long::sum);
    }
  }

  @Override
  public void confirm(TccContext ctx) {
    String a = account(ctx);
    long d = delta(ctx);
    if (d < 0) {
      reserved.merge(a, d, Long::sum);
    } else {
      incoming.merge(a, -d, Long::sum);
      available.merge(a, d, Long::sum);
    }
    confirmed.add(ctx.transactionId() + "/" + ctx.branchId());
    ledger.forward(ctx.transactionId(), ctx.branchId());
  }

  @Override
  public void cancel(TccContext ctx) {
    String a = account(ctx);
    long d = delta(ctx);
    if (d < 0) {
      reserved.merge(a, d, Long::sum);
      available.merge(a, -d, Long::sum);
    } else {
      incoming.merge(a, -d, Long::sum);
    }
    ledger.undone(ctx.transactionId(), ctx.branchId());
  }

  long held() {
    return reserved.values().stream().mapToLong(Long::longValue).sum()
        + incoming.values().stream().mapToLong(Long::longValue).sum();
  }
}
