package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every protocol with a second coordinator built on the same log calling recover() beside a
 * running one (2% of transactions): it is refused with a clear exception, and no transaction is
 * ever decided both ways. Needs one coordinator per log, issue 13 (defect 11).
 */
class RivalCoordinatorSimulationTest {
  @ParameterizedTest
  @EnumSource(Protocols.class)
  void aSecondCoordinatorNeverContradictsTheFirst(Protocols protocol) {
    SimulationResult result =
        protocol.run(
            Simulation.withSeed(2112)
                .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0).withRivalRecovery(0.02))
                .crashEvery(31)
                .transactions(2_000));
    assertThat(result.world().rivalRecoveries()).isPositive();
    assertThat(result.world().rivalsRefused()).isEqualTo(result.world().rivalRecoveries());
  }
}
