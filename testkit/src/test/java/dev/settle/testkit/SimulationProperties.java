package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The testkit's jqwik integration used as a user would: any fault plan, any crash interval, any
 * seed, and the fenced TCC wallet keeps every invariant. On a failure jqwik shrinks toward fewer
 * faults and no crashes, and the message carries the replay line.
 */
class SimulationProperties {
  @Provide
  Arbitrary<FaultPlan> plans() {
    return SettleArbitraries.faultPlans(0.2);
  }

  @Provide
  Arbitrary<Integer> crashes() {
    return SettleArbitraries.crashEvery(40);
  }

  @Provide
  Arbitrary<Long> seeds() {
    return SettleArbitraries.seeds();
  }

  @Property(tries = 60)
  void theFencedTccScenarioSurvivesAnySchedule(
      @ForAll("plans") FaultPlan plan, @ForAll("crashes") int crashEvery, @ForAll("seeds") long seed) {
    SimulationResult result =
        Simulation.withSeed(seed).faults(plan).crashEvery(crashEvery).transactions(200).run(TccScenario::fenced);
    assertThat(result.inDoubt()).isZero();
    assertThat(result.committed() + result.rolledBack()).isLessThanOrEqualTo(200);
  }

  @Property(tries = 30)
  void anUnfencedScenarioFailsWithAReplayableMessage(@ForAll("seeds") long seed) {
    // A fifth of all Tries delayed past their Cancel: without the fence, money stays reserved.
    assertThatThrownBy(
            () ->
                Simulation.withSeed(seed)
                    .faults(new FaultPlan(0, 0, 0.05, 0.2, 0))
                    .transactions(200)
                    .run(world -> new TccScenario(world, shard -> shard)))
        .isInstanceOfSatisfying(SimulationFailure.class, f -> assertThat(f.seed()).isEqualTo(seed))
        .hasMessageContaining("replay: Simulation.withSeed(" + seed + "L)");
  }
}
