package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A second coordinator on the same log, recovering while the first is running. */
class RivalCoordinatorTest {
  @Test
  void catchesARecoveryThatPresumesAbortBesideALiveCoordinator() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(FaultPlan.none().withRivalRecovery(0.2)).transactions(30),
        world ->
            new TccScenario(world, new InMemoryTccFence(world.clock(), Duration.ofMinutes(10))::protect) {
              @Override
              public Coordinator<TccTransaction> coordinator(World w, TransactionLog log) {
                return new NaiveTccCoordinator(w, log, wired);
              }
            },
        "one decision");
  }
}
