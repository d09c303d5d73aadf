package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's shared-log simulation, as written there, run on the kit's TCC wallet scenario. */
class SharedLogReadmeTest {
  /** The README's name for your scenario: here the kit's own fenced TCC wallet. */
  private static final class MyScenario extends TccScenario {
    MyScenario(World world) {
      super(world, new dev.settle.tcc.fence.InMemoryTccFence(world.clock(), java.time.Duration.ofMinutes(10))::protect);
    }
  }

  @Test
  void theReadmeRunCommitsAndKeepsEveryInvariant() {
    // readme:begin shared-log-simulation
    SharedLogResult result = SharedLogSimulation.withSeed(42)
        .nodes(3)
        .faults(FaultPlan.uniform(0.02))          // participant call faults, as in Simulation
        .nodeFaults(NodeFaults.defaults())        // crash, pause, concurrent claim, clock jump rates
        .transactions(200)
        .run(world -> new MyScenario(world));
    // readme:end
    assertThat(result.committed()).isPositive();
    assertThat(result.transactions()).isEqualTo(200);
  }
}
