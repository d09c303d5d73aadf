package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import dev.settle.saga.SagaStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SagaSimulationTest {
  static final int SHARDS = 3;
  static final int ACCOUNTS = 12;
  static final long OPENING = 1_000;
  static final SagaKey<Long> FROM = SagaKey.ofLong("from");
  static final SagaKey<Long> TO = SagaKey.ofLong("to");
  static final SagaKey<Long> AMOUNT = SagaKey.ofLong("amount");

  static class SagaScenario implements Scenario<SagaRequest> {
    final List<SagaShard> shards = new ArrayList<>();
    final List<String> compensations = new ArrayList<>();
    final SagaDefinition transfer;

    SagaScenario(World world) {
      for (int s = 0; s < SHARDS; s++) {
        shards.add(new SagaShard("shard-" + s, compensations, world.applied()));
      }
      for (int a = 0; a < ACCOUNTS; a++) {
        shards.get(a % SHARDS).balances.put("acct" + a, OPENING);
      }
      Faults f = world.faults();
      // Three steps: hold the debit, record a fee of zero (it only proves ordering), credit.
      transfer =
          SagaDefinition.builder("transfer")
              .step(
                  "debit",
                  f.step(this, ctx -> shard(ctx.get(FROM)).apply(ctx, "acct" + ctx.get(FROM), -ctx.get(AMOUNT)), true),
                  f.step(this, ctx -> shard(ctx.get(FROM)).compensate(ctx, "acct" + ctx.get(FROM), -ctx.get(AMOUNT), 0), false))
              .step(
                  "fee",
                  f.step(this, ctx -> shard(ctx.get(FROM)).apply(ctx, "acct" + ctx.get(FROM), 0), true),
                  f.step(this, ctx -> shard(ctx.get(FROM)).compensate(ctx, "acct" + ctx.get(FROM), 0, 1), false))
              .step(
                  "credit",
                  f.step(this, ctx -> shard(ctx.get(TO)).apply(ctx, "acct" + ctx.get(TO), ctx.get(AMOUNT)), true),
                  f.step(this, ctx -> shard(ctx.get(TO)).compensate(ctx, "acct" + ctx.get(TO), ctx.get(AMOUNT), 2), false))
              .build();
    }

    SagaShard shard(long account) {
      return shards.get((int) (account % SHARDS));
    }

    @Override
    public Coordinator<SagaRequest> coordinator(World world, TransactionLog log) {
      return world.configure(SagaCoordinator.builder()).log(log).definition(transfer).build();
    }

    @Override
    public SagaRequest nextTransaction(World world) {
      long from = world.random().nextInt(ACCOUNTS);
      long to = (from + 1 + world.random().nextInt(ACCOUNTS - 1)) % ACCOUNTS;
      return SagaRequest.of(transfer).with(FROM, from).with(TO, to).with(AMOUNT, 1L + world.random().nextInt(400));
    }

    @Override
    public void checkInvariants(World world) {
      Map<String, Long> balances = new HashMap<>();
      shards.forEach(s -> balances.putAll(s.balances));
      Invariants.noNegativeBalance(balances);
      Invariants.conservation(ACCOUNTS * OPENING, balances.values().stream().mapToLong(Long::longValue).sum());
      // Compensations of one saga ran in strictly descending step order.
      Map<String, Integer> lastIndex = new HashMap<>();
      for (String c : compensations) {
        String tx = c.substring(0, c.lastIndexOf('/'));
        int index = Integer.parseInt(c.substring(c.lastIndexOf('/') + 1));
        Integer previous = lastIndex.put(tx, index);
        if (previous != null && previous <= index) {
          throw new AssertionError("compensation order: saga " + tx + " compensated step " + index + " after step " + previous);
        }
      }
    }
  }

  @Test
  void keepsEveryInvariantUnderFaultsAndCrashes() {
    SimulationResult result =
        Simulation.withSeed(1453)
            .faults(
                new FaultPlan(0.03, 0.03, 0.03, 0.03, 0)
                    .withBlock(0.02)
                    .withInterrupt(0.02)
                    .withListenerError(0.01)
                    .withDuplicateId(0.005))
            .crashEvery(31)
            .transactions(TccSimulationTest.TRANSACTIONS)
            .run(SagaScenario::new);
    assertThat(result.committed()).isPositive();
    assertThat(result.rolledBack()).isPositive();
    assertThat(result.crashes()).isPositive();
    assertThat(result.faults().blocked()).as("calls blocked past their timeout").isPositive();
    System.err.printf(
        "Saga simulation: %d transactions, %.0f/s, %d crashes, faults %s%n",
        result.transactions(), result.transactionsPerSecond(), result.crashes(), result.faults());
  }

  /** A naive orchestrator with the planted bug: it compensates first to last. */
  static final class ForwardCompensatingSagas implements Coordinator<SagaRequest> {
    private final World world;

    @Override
    public void close() {
      // holds no log
    }

    ForwardCompensatingSagas(World world) {
      this.world = world;
    }

    @Override
    public Outcome execute(SagaRequest request) {
      TransactionId tx = TransactionId.of("naive" + world.random().nextInt(Integer.MAX_VALUE));
      List<SagaStep> done = new ArrayList<>();
      Map<String, byte[]> values = new LinkedHashMap<>(request.input());
      for (SagaStep step : request.definition().steps()) {
        try {
          step.action().run(new NaiveContext(tx, step, values));
          done.add(step);
        } catch (RuntimeException e) {
          done.add(step); // outcome unknown: compensate it too
          for (SagaStep undo : done) { // the bug: should be reverse order
            compensateUntilDone(undo, new NaiveContext(tx, undo, values));
          }
          return new Outcome.RolledBack(tx, Map.of(), e.toString());
        }
      }
      return new Outcome.Committed(tx, Map.of());
    }

    private static void compensateUntilDone(SagaStep step, NaiveContext ctx) {
      while (true) {
        try {
          step.compensation().run(ctx);
          return;
        } catch (RuntimeException retry) {
          // keep trying, as any orchestrator must
        }
      }
    }

    @Override
    public List<Outcome> recover() {
      return List.of();
    }

    @Override
    public Optional<Decision> decisionFor(TransactionId transactionId) {
      return Optional.empty();
    }
  }

  record NaiveContext(TransactionId transactionId, SagaStep stepDef, Map<String, byte[]> values)
      implements dev.settle.saga.spi.SagaContext {
    @Override
    public dev.settle.core.BranchId step() {
      return stepDef.name();
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public <T> T get(SagaKey<T> key) {
      return key.decode(values.get(key.name()));
    }

    @Override
    public <T> Optional<T> find(SagaKey<T> key) {
      return Optional.ofNullable(values.get(key.name())).map(key::decode);
    }

    @Override
    public <T> void put(SagaKey<T> key, T value) {
      values.put(key.name(), key.encode(value));
    }
  }

  @Test
  void catchesSagaCompensationsInTheWrongOrder() {
    SimulationFailure failure =
        TccSimulationTest.firstFailure(
            1_000,
            seed -> Simulation.withSeed(seed).faults(new FaultPlan(0.2, 0, 0, 0, 0)).transactions(20),
            world ->
                new SagaScenario(world) {
                  @Override
                  public Coordinator<SagaRequest> coordinator(World w, TransactionLog log) {
                    return new ForwardCompensatingSagas(w);
                  }
                });
    assertThat(failure).as("a failing seed within 1,000").isNotNull();
    assertThat(failure.getCause()).hasMessageContaining("compensation order");
  }
}
