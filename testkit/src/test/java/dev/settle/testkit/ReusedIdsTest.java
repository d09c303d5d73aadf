package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An id generator that hands out an id already used: nothing may run again. */
class ReusedIdsTest {
  @Test
  void catchesACoordinatorThatRunsAReusedIdAgain() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(FaultPlan.none().withDuplicateId(0.1)).transactions(30),
        world ->
            new TccScenario(world, new InMemoryTccFence(world.clock(), Duration.ofMinutes(10))::protect) {
              @Override
              public Coordinator<TccTransaction> coordinator(World w, TransactionLog log) {
                return new NaiveTccCoordinator(w, null, wired);
              }
            },
        "no re-run");
  }
}
