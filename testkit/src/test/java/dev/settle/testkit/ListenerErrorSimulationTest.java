package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every protocol's coordinator with a listener that throws {@link AssertionError} at 1% of
 * events: nothing escapes, nothing changes. Needs the listener isolation of issue 13 (defect 8).
 */
class ListenerErrorSimulationTest {
  @ParameterizedTest
  @EnumSource(Protocols.class)
  void listenerErrorsChangeNothing(Protocols protocol) {
    SimulationResult result =
        protocol.run(
            Simulation.withSeed(808)
                .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0).withListenerError(0.01))
                .crashEvery(31)
                .transactions(2_000));
    assertThat(result.world().listenerErrors()).isPositive();
  }
}
