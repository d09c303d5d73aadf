package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The seeded generators' ranges and determinism, and the shrinking of a failing run. */
class SettleGeneratorsTest {
  @Test
  void faultPlansStayWithinTheirBoundsAndReachBothEnds() {
    Random random = new Random(1);
    Set<Double> rates = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      FaultPlan plan = SettleGenerators.faultPlan(random, 0.05);
      for (double rate : List.of(plan.fail(), plan.timeout(), plan.duplicate(), plan.delay(), plan.restart())) {
        assertThat(rate).isBetween(0.0, 0.05);
        assertThat(rate * 1000).isCloseTo(Math.rint(rate * 1000), offset(1e-9));
        rates.add(rate);
      }
    }
    assertThat(rates).contains(0.0, 0.001, 0.05);
    assertThat(SettleGenerators.faultPlan(random, 0)).isEqualTo(FaultPlan.none());
    assertThatThrownBy(() -> SettleGenerators.faultPlan(random, 0.21))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void crashIntervalsStayWithinTheirBoundsAndReachBothEnds() {
    Random random = new Random(2);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      int every = SettleGenerators.crashEvery(random, 40);
      assertThat(every).isBetween(0, 40);
      seen.add(every);
    }
    assertThat(seen).contains(0, 1, 40);
    assertThat(SettleGenerators.crashEvery(random, 0)).isZero();
    assertThatThrownBy(() -> SettleGenerators.crashEvery(random, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSameSeedDrawsTheSameSimulations() {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    Random a = new Random(3);
    Random b = new Random(3);
    for (int i = 0; i < 20; i++) {
      first.add(SettleGenerators.simulation(a, 0.2, 40).toString());
      second.add(SettleGenerators.simulation(b, 0.2, 40).toString());
    }
    assertThat(first).isEqualTo(second).doesNotHaveDuplicates();
  }

  @Test
  void aPassingRunIsNotShrunk() {
    SimulationResult result =
        Simulation.withSeed(5)
            .faults(FaultPlan.uniform(0.05))
            .crashEvery(13)
            .transactions(100)
            .runShrinking(TccScenario::fenced);
    assertThat(result.inDoubt()).isZero();
    assertThat(result.transactions()).isEqualTo(100);
  }

  /**
   * Without the fence a shard fails even with no faults: a Try refused for lack of funds is still
   * cancelled, and the bare shard gives back money it never reserved. Shrinking finds that.
   */
  @Test
  void aFailingRunShrinksToNoCrashesAndFewerFaults() {
    Simulation start =
        Simulation.withSeed(1)
            .faults(new FaultPlan(0.1, 0.1, 0.05, 0.2, 0))
            .crashEvery(9)
            .transactions(200);
    SimulationFailure failure = null;
    try {
      start.runShrinking(world -> new TccScenario(world, shard -> shard));
    } catch (SimulationFailure f) {
      failure = f;
    }
    assertThat(failure).as("the unfenced scenario fails").isNotNull();
    assertThat(failure.seed()).isEqualTo(1);
    assertThat(failure.replay())
        .contains("new FaultPlan(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)).crashEvery(0)")
        .doesNotContain("transactions(200)");
    assertThat(failure).hasMessageContaining("replay: " + failure.replay())
        .hasMessageContaining("shrunk in ")
        .hasMessageContaining("from: " + start);
    assertThat(failure.getSuppressed()).hasSize(1);
    // The reported line replays the smallest failure.
    Simulation smallest = replay(failure.replay());
    assertThatThrownBy(() -> smallest.run(world -> new TccScenario(world, shard -> shard)))
        .isInstanceOf(SimulationFailure.class)
        .hasMessageContaining(failure.replay());
  }

  /** A confirm that bypasses the fence only breaks when a confirm arrives twice: faults stay. */
  @Test
  void shrinkingKeepsTheFaultsAFailureNeeds() {
    Function<World, Scenario<TccTransaction>> scenario = SettleGeneratorsTest::confirmBypassingTheFence;
    SimulationFailure failure = null;
    for (long seed = 1; seed <= 50 && failure == null; seed++) {
      try {
        Simulation.withSeed(seed).faults(FaultPlan.uniform(0.05)).crashEvery(7).transactions(300)
            .runShrinking(scenario);
      } catch (SimulationFailure f) {
        failure = f;
      }
    }
    assertThat(failure).as("a failing seed within 50").isNotNull();
    assertThat(failure.replay()).contains(".crashEvery(0)").doesNotContain("new FaultPlan(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)");
    Simulation smallest = replay(failure.replay());
    assertThatThrownBy(() -> smallest.run(scenario)).isInstanceOf(SimulationFailure.class);
    long seed = failure.seed();
    assertThat(Simulation.withSeed(seed).transactions(300).run(scenario).inDoubt()).isZero();
  }

  private static Scenario<TccTransaction> confirmBypassingTheFence(World world) {
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
              shard.confirm(ctx); // the bug: a repeated confirm spends twice
            }

            @Override
            public void cancel(TccContext ctx) {
              fenced.cancel(ctx);
            }
          };
        });
  }

  /** Parses a replay line back into the simulation it describes. */
  private static Simulation replay(String line) {
    Matcher m = Pattern.compile("-?[0-9]+(\\.[0-9]+)?(E-?[0-9]+)?").matcher(line);
    List<String> n = new ArrayList<>();
    while (m.find()) {
      n.add(m.group());
    }
    double[] rates = new double[11];
    for (int i = 0; i < rates.length; i++) {
      rates[i] = Double.parseDouble(n.get(1 + i));
    }
    return Simulation.withSeed(Long.parseLong(n.get(0)))
        .faults(FaultPlan.of(rates))
        .crashEvery(Integer.parseInt(n.get(12)))
        .transactions(Integer.parseInt(n.get(13)));
  }
}
