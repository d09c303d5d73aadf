package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Sagas with interrupted callers. An interrupted caller stops phase-two retries at once, so a
 * compensation is left in doubt far more often than under the retry policy alone; the saga must
 * then not compensate the steps before it (compensations run strictly in reverse order). Found by
 * the interrupt fault: today the compensations of a saga are driven one after another whatever
 * became of the later one, and this fails with "compensation order" (seed 1453, replay line in the
 * failure). Goes green once a compensation left in doubt stops the backward pass.
 */
class SagaInterruptSimulationTest {
  @Test
  void compensationsKeepTheirOrderWhenCallersAreInterrupted() {
    SimulationResult result =
        Simulation.withSeed(1453)
            .faults(new FaultPlan(0.03, 0.03, 0.03, 0.03, 0).withBlock(0.02).withInterrupt(0.02))
            .crashEvery(31)
            .transactions(TccSimulationTest.TRANSACTIONS)
            .run(SagaSimulationTest.SagaScenario::new);
    assertThat(result.world().interrupts()).isPositive();
  }
}
