package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every protocol on the real file log, damaged after a third of the coordinator crashes (torn
 * tail, flipped bit in the unforced tail, empty newer segment): the reopened log keeps every
 * forced record or refuses clearly. Needs the file log integrity work of issue 13: today an empty
 * newer segment makes the log drop the older one.
 */
class FileLogDamageSimulationTest {
  @ParameterizedTest
  @EnumSource(Protocols.class)
  void everyForcedRecordSurvivesDamage(Protocols protocol) {
    SimulationResult result =
        protocol.run(
            Simulation.withSeed(1066)
                .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0))
                .onFileLog(0.3)
                .crashEvery(17)
                .transactions(400));
    assertThat(result.world().logDamages()).isPositive();
  }
}
