package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every protocol on the real file log, with callers interrupted before or during execute. Needs
 * the file log's interrupt handling of issue 13 (defect 7): today an interrupted append closes the
 * log and every later transaction fails.
 */
class FileLogInterruptSimulationTest {
  @ParameterizedTest
  @EnumSource(Protocols.class)
  void anInterruptNeverDisablesTheFileLog(Protocols protocol) {
    SimulationResult result =
        protocol.run(
            Simulation.withSeed(99)
                .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0).withInterrupt(0.05))
                .onFileLog(0)
                .crashEvery(41)
                .transactions(600));
    assertThat(result.world().interrupts()).isPositive();
  }
}
