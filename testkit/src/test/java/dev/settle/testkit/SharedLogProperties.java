package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Any number of nodes, any lease, any mix of node and call faults, any seed: the TCC wallet over
 * the shared JDBC log keeps every invariant. A failure's message carries the replay line of the
 * failing run.
 */
class SharedLogProperties {
  @Test
  void theSharedLogKeepsEveryInvariantUnderAnyNodeFaults() {
    Gen<NodeFaults> nodeFaults =
        doubles().between(0, 0.1).zip(
            doubles().between(0, 0.15),
            doubles().between(0, 0.6),
            doubles().between(0, 0.08),
            NodeFaults::new);
    Gen<FaultPlan> callFaults =
        doubles().between(0, 0.05).zip(doubles().between(0, 0.05), doubles().between(0, 0.05),
            (fail, timeout, delay) -> new FaultPlan(fail, timeout, 0.02, delay, 0));
    Gen<SharedLogSimulation> simulations =
        longs().all().zip(
            integers().between(2, 5),
            integers().between(200, 3_000),
            nodeFaults,
            callFaults,
            (seed, nodes, leaseMillis, faults, plan) ->
                SharedLogSimulation.withSeed(seed)
                    .nodes(nodes)
                    .lease(Duration.ofMillis(leaseMillis))
                    .nodeFaults(faults)
                    .faults(plan)
                    .transactions(120))
            .describedAs(SharedLogSimulation::toString);
    qt().withExamples(Math.max(8, SharedLogSimulationTest.SEEDS)) // long-checks: 300
        .withShrinkCycles(0) // the replay line is the minimal report; shrinking would rerun whole runs
        .forAll(simulations)
        .checkAssert(simulation -> assertThat(simulation.run(TccScenario::fenced).committed()).isPositive());
  }
}
