package dev.settle.examples.wallet;

import dev.settle.core.Coordinator;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.spi.SagaContext;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import dev.settle.testkit.Faults;
import dev.settle.testkit.World;
import java.util.LinkedHashMap;
import java.util.Map;

/** Transfers by a saga: debit, then credit; a failure compensates the debit. */
final class SagaTransfers implements Transfers<SagaRequest> {
  static final SagaKey<String> FROM = SagaKey.ofString("from");
  static final SagaKey<String> TO = SagaKey.ofString("to");
  static final SagaKey<Long> CENTS = SagaKey.ofLong("cents");

  private final Bank bank;
  private final Map<Shard, SagaShard> nodes = new LinkedHashMap<>();
  private final SagaDefinition definition;

  SagaTransfers(Bank bank, Faults faults) {
    this.bank = bank;
    bank.shards().forEach(s -> nodes.put(s, new SagaShard(s)));
    this.definition =
        SagaDefinition.builder("transfer")
            .step(
                "debit",
                faults.step(this, ctx -> node(ctx, FROM).apply(ctx, debit(ctx)), true),
                faults.step(this, ctx -> node(ctx, FROM).compensate(ctx, debit(ctx)), false))
            .step(
                "credit",
                faults.step(this, ctx -> node(ctx, TO).apply(ctx, credit(ctx)), true),
                faults.step(this, ctx -> node(ctx, TO).compensate(ctx, credit(ctx)), false))
            .build();
  }

  private SagaShard node(SagaContext ctx, SagaKey<String> account) {
    return nodes.get(bank.shardOf(ctx.get(account)));
  }

  private static Change debit(SagaContext ctx) {
    return new Change(ctx.get(FROM), -ctx.get(CENTS));
  }

  private static Change credit(SagaContext ctx) {
    return new Change(ctx.get(TO), ctx.get(CENTS));
  }

  @Override
  public Coordinator<SagaRequest> coordinator(World world, TransactionLog log, TransactionListener listener) {
    return world.configure(SagaCoordinator.builder())
        .log(log)
        .listener(listener)
        .definition(definition)
        .build();
  }

  @Override
  public SagaRequest transfer(String from, String to, long cents) {
    return SagaRequest.of(definition).with(FROM, from).with(TO, to).with(CENTS, cents);
  }

  @Override
  public long hangingReservations() {
    return 0; // a saga holds nothing between steps
  }
}
