package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every protocol's coordinator given a reused transaction id at 1% of transactions: it returns
 * the recorded outcome or refuses with a typed exception, and never runs anything again. Needs
 * the reused-id handling of issue 13 (defect 9).
 */
class ReusedIdSimulationTest {
  @ParameterizedTest
  @EnumSource(Protocols.class)
  void aReusedIdNeverRunsAgain(Protocols protocol) {
    SimulationResult result =
        protocol.run(
            Simulation.withSeed(5150)
                .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0).withDuplicateId(0.01))
                .crashEvery(31)
                .transactions(2_000));
    assertThat(result.world().reusedIds()).isPositive();
  }
}
