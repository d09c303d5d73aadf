package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TccSimulationTest {
  static final int TRANSACTIONS = Integer.getInteger("settle.sim.transactions", 10_000);

  @Test
  void keepsEveryInvariantUnderFaultsAndCrashes() {
    SimulationResult result =
        Simulation.withSeed(2026)
            .faults(
                new FaultPlan(0.03, 0.03, 0.03, 0.03, 0)
                    .withBlock(0.02)
                    .withInterrupt(0.02)
                    .withListenerError(0.01)
                    .withDuplicateId(0.005))
            .crashEvery(37)
            .transactions(TRANSACTIONS)
            .run(TccScenario::fenced);
    assertThat(result.transactions()).isEqualTo(TRANSACTIONS);
    assertThat(result.committed()).isPositive();
    assertThat(result.rolledBack()).isPositive();
    assertThat(result.crashes()).isPositive();
    assertThat(result.faults().cancelBeforeTry()).as("cancels that overtook their try").isPositive();
    assertThat(result.inDoubt()).isZero();
    assertThat(result.faults().blocked()).as("calls blocked past their timeout").isPositive();
    assertThat(result.world().interrupts()).as("interrupted callers").isPositive();
    System.err.printf(
        "TCC simulation: %d transactions, %.0f/s, %d crashes, faults %s, world %s%n",
        result.transactions(), result.transactionsPerSecond(), result.crashes(), result.faults(), result.world());
  }

  @Test
  void theSameSeedReplaysTheSameRun() {
    Function<World, Scenario<dev.settle.tcc.TccTransaction>> scenario = TccScenario::fenced;
    SimulationResult first =
        Simulation.withSeed(7).faults(FaultPlan.uniform(0.05)).crashEvery(11).transactions(500).run(scenario);
    SimulationResult second =
        Simulation.withSeed(7).faults(FaultPlan.uniform(0.05)).crashEvery(11).transactions(500).run(scenario);
    assertThat(second.committed()).isEqualTo(first.committed());
    assertThat(second.faults()).isEqualTo(first.faults());
    assertThat(second.crashes()).isEqualTo(first.crashes());
  }

  /** Runs seeds until one fails; returns the failure, or null if none of {@code seeds} failed. */
  static SimulationFailure firstFailure(int seeds, Function<Long, Simulation> simulation, Function<World, ? extends Scenario<?>> scenario) {
    for (long seed = 1; seed <= seeds; seed++) {
      try {
        simulation.apply(seed).run(w -> (Scenario<Object>) scenario.apply(w));
      } catch (SimulationFailure failure) {
        return failure;
      }
    }
    return null;
  }

  @Test
  void catchesATccParticipantWithoutTheFence() {
    SimulationFailure failure =
        firstFailure(
            1_000,
            seed -> Simulation.withSeed(seed).faults(new FaultPlan(0, 0, 0, 0.1, 0)).transactions(50),
            world -> new TccScenario(world, shard -> shard));
    assertThat(failure).as("a failing seed within 1,000").isNotNull();
    assertThat(failure).hasMessageContaining("replay: Simulation.withSeed(");
    // The reported seed reproduces the failure.
    long seed = failure.seed();
    assertThatThrownBy(
            () ->
                Simulation.withSeed(seed)
                    .faults(new FaultPlan(0, 0, 0, 0.1, 0))
                    .transactions(50)
                    .run(world -> new TccScenario(world, shard -> shard)))
        .isInstanceOf(SimulationFailure.class)
        .hasMessage(failure.getMessage());
  }

  @Test
  void catchesANonIdempotentConfirm() {
    SimulationFailure failure =
        firstFailure(
            1_000,
            seed -> Simulation.withSeed(seed).faults(new FaultPlan(0, 0, 0.1, 0, 0)).transactions(50),
            world -> {
              InMemoryTccFence fence = new InMemoryTccFence(world.clock(), Duration.ofMinutes(10));
              return new TccScenario(
                  world,
                  shard -> {
                    TccParticipant fenced = fence.protect(shard);
                    return new TccParticipant() {
                      @Override
                      public String name() {
                        return shard.name();
                      }

                      @Override
                      public void tryReserve(TccContext ctx) {
                        fenced.tryReserve(ctx);
                      }

                      @Override
                      public void confirm(TccContext ctx) {
                        shard.confirm(ctx); // the bug: confirm bypasses the fence
                      }

                      @Override
                      public void cancel(TccContext ctx) {
                        fenced.cancel(ctx);
                      }
                    };
                  });
            });
    assertThat(failure).isNotNull();
    assertThat(failure.getCause()).hasMessageMatching("(?s).*(conservation|hanging|negative).*");
  }

  /** A log that says a forced append is durable while it is still only in a buffer. */
  static final class LyingLog implements TransactionLog {
    private final InMemoryTransactionLog stored = InMemoryTransactionLog.keepingHistory();
    private final List<LogRecord> buffered = new ArrayList<>();

    @Override
    public void append(List<LogRecord> records, boolean force) {
      stored.append(List.copyOf(buffered), false); // last call's records land only now
      buffered.clear();
      buffered.addAll(records);
    }

    @Override
    public void replay(Consumer<LogRecord> sink) {
      stored.replay(sink);
    }

    @Override
    public void close() {}
  }

  @Test
  void catchesALogThatAcknowledgesADecisionBeforeStoringIt() {
    SimulationFailure failure = null;
    for (long seed = 1; seed <= 1_000 && failure == null; seed++) {
      long crashSeed = seed;
      try {
        Simulation.withSeed(seed)
            .crashEvery(0)
            .transactions(30)
            .run(world -> new LyingLogScenario(world, crashSeed));
      } catch (SimulationFailure f) {
        failure = f;
      }
    }
    assertThat(failure).as("a failing seed within 1,000").isNotNull();
  }

  /** The fenced TCC scenario on a lying log that loses its last appends when the process dies. */
  static final class LyingLogScenario extends TccScenario {
    private final CrashingTransactionLog log;

    LyingLogScenario(World world, long seed) {
      super(world, new InMemoryTccFence(world.clock(), Duration.ofMinutes(10))::protect);
      this.log = new CrashingTransactionLog(new LyingLog(), 4 + (int) (seed % 5));
    }

    @Override
    public dev.settle.core.Coordinator<dev.settle.tcc.TccTransaction> coordinator(World world, TransactionLog ignored) {
      log.revive(); // a new process
      return super.coordinator(world, log);
    }

    @Override
    public void checkInvariants(World world) {
      log.disarm();
      super.coordinator(world, log).recover();
      super.checkInvariants(world);
      for (var image : dev.settle.core.log.LogReplay.all(log).values()) {
        if (!image.ended()) {
          throw new AssertionError("termination: unfinished after recovery: " + image);
        }
      }
    }
  }
}
