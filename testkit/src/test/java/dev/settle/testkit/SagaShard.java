package dev.settle.testkit;

import dev.settle.saga.spi.SagaContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory storage node for sagas with a barrier per (transaction, step), the saga
 * counterpart of the TCC fence: a repeated action or compensation is a no-op, and a compensation
 * that arrives before its action leaves a mark that makes the late action a no-op. Applied and
 * compensated steps are recorded in the world's {@link AppliedLedger}.
 */
class SagaShard {
  enum Mark {
    APPLIED,
    COMPENSATED,
    COMPENSATED_FIRST
  }

  final String name;
  final Map<String, Long> balances = new HashMap<>();
  final Map<String, Mark> barrier = new HashMap<>();
  /** Compensations in the order they took effect, as "tx/index". */
  final List<String> compensations;
  private final AppliedLedger ledger;

  SagaShard(String name, List<String> compensations, AppliedLedger ledger) {
    this.name = name;
    this.compensations = compensations;
    this.ledger = ledger;
  }

  private static String key(SagaContext ctx) {
    return ctx.transactionId() + "/" + ctx.step();
  }

  void apply(SagaContext ctx, String account, long delta) {
    if (barrier.containsKey(key(ctx))) {
      return; // a duplicate, or a late action whose compensation already came
    }
    if (balances.get(account) + delta < 0) {
      throw new IllegalStateException("insufficient funds in " + account);
    }
    balances.merge(account, delta, Long::sum);
    barrier.put(key(ctx), Mark.APPLIED);
    ledger.forward(ctx.transactionId(), ctx.step());
  }

  void compensate(SagaContext ctx, String account, long delta, int stepIndex) {
    Mark mark = barrier.get(key(ctx));
    if (mark == Mark.COMPENSATED || mark == Mark.COMPENSATED_FIRST) {
      return;
    }
    if (mark == Mark.APPLIED) {
      balances.merge(account, -delta, Long::sum);
      barrier.put(key(ctx), Mark.COMPENSATED);
      ledger.undone(ctx.transactionId(), ctx.step());
    } else {
      barrier.put(key(ctx), Mark.COMPENSATED_FIRST); // the action never happened (yet)
    }
    compensations.add(ctx.transactionId() + "/" + stepIndex);
  }
}
