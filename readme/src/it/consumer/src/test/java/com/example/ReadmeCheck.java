package com.example;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.testkit.FaultPlan;
import dev.settle.testkit.SettleGenerators;
import dev.settle.testkit.Simulation;
import dev.settle.testkit.SimulationResult;
import java.util.Random;

/**
 * Runs the README's snippets as a new user would paste them: the TCC transfer, then the testkit
 * checks of that user's own participants. Any failure ends the build of this project.
 */
public final class ReadmeCheck {
  private ReadmeCheck() {}

  public static void main(String[] args) {
    Outcome outcome = Transfer.run(new InMemoryTransactionLog());
    check(outcome instanceof Outcome.Committed, "the transfer committed: " + outcome);
    check(AccountsShard.opened("shard-1").balance("A") == 0, "A was debited");
    check(AccountsShard.opened("shard-2").balance("C") == 100, "C was credited");

    // readme:begin testkit
    SimulationResult result = Simulation.withSeed(42)
        .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0.01)) // fail, timeout, duplicate, delay, restart
        .crashEvery(50)                                       // coordinator crash at every 50th log append
        .transactions(10_000)
        .run(world -> new MyScenario(world));                 // your participants, workload, invariants
    // readme:end
    check(result.committed() > 0, "the simulation committed: " + result);

    long seed = 7;
    // readme:begin testkit-generators
    Random random = new Random(seed);
    for (int i = 0; i < 100; i++) {
      SettleGenerators.simulation(random, 0.2, 40)   // each fault rate 0..0.2, a crash every 0..40 appends
          .transactions(200)
          .allowingNoCommits()                       // a crash at every append or two lets nothing commit
          .runShrinking(world -> new MyScenario(world));
    }
    // readme:end
    System.out.println("README check passed: " + outcome + "; " + result);
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError("README check failed: " + what);
    }
  }
}
