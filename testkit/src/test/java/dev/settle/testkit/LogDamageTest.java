package dev.settle.testkit;

import org.junit.jupiter.api.Test;

/** Log damage between a crash and the restart: torn tail, flipped bits, an empty newer segment. */
class LogDamageTest {
  @Test
  void catchesAFileLogThatTrustsAnEmptyNewerSegment() {
    Catching.within1000Seeds(
        seed ->
            Simulation.withSeed(seed)
                .onFileLog(0.5, NaiveFileLog::new)
                .crashEvery(7)
                .transactions(20),
        TccScenario::fenced,
        "durability");
  }
}
