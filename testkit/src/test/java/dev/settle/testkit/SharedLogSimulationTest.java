package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Several coordinator nodes over the real shared JDBC log (H2, on the run's virtual clock), every
 * node fault on: crashes, pauses past the lease with late writes, two nodes claiming at once,
 * database clock jumps. Every invariant holds on every seed, and a seed replays its run exactly.
 * {@code -Dsettle.sim.sharedLogSeeds=N} (the long-checks profile: 300) runs more seeds.
 */
class SharedLogSimulationTest {
  static final int SEEDS = Integer.getInteger("settle.sim.sharedLogSeeds", 6);

  @Test
  void severalNodesOverTheSharedLogKeepEveryInvariantUnderCrashesPausesClaimsAndClockJumps() {
    long crashes = 0;
    long pauses = 0;
    long jumps = 0;
    long concurrent = 0;
    long takeovers = 0;
    long refused = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      SharedLogResult result = SharedLogSimulation.withSeed(seed).transactions(200).run(TccScenario::fenced);
      assertThat(result.committed()).as("seed %d committed something", seed).isPositive();
      crashes += result.crashes();
      pauses += result.pauses();
      jumps += result.clockJumps();
      concurrent += result.concurrentClaims();
      takeovers += result.takeovers();
      refused += result.refusedWrites();
      // Late writes are refused as lost ownership, never for some other reason.
      assertThat(result.otherLogErrors()).as("seed %d: other log errors", seed).isZero();
    }
    System.err.printf(
        "shared log, %d seeds: %d crashes, %d pauses, %d clock jumps, %d concurrent claims, %d takeovers,"
            + " %d late writes refused%n",
        SEEDS, crashes, pauses, jumps, concurrent, takeovers, refused);
    // Every fault struck, and the paused nodes' late writes met the fence.
    assertThat(new long[] {crashes, pauses, jumps, concurrent, takeovers, refused}).doesNotContain(0L);
  }

  /**
   * A commit whose answer is lost (made or not) while its node lives on: every invariant holds
   * (the run throws otherwise). Seed 1 is the schedule in which a node recovered such a
   * transaction from the history it kept in memory and tried to log the opposite decision; the
   * database refused it, which showed as a log error escaping recovery. The journal now reads such
   * a transaction from the log again, and seed 1 has none.
   */
  @Test
  void aCommitWhoseAnswerIsLostBreaksNoInvariantAndRecoveryReadsTheLog() {
    long lost = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      SharedLogResult result =
          SharedLogSimulation.withSeed(seed)
              .nodeFaults(NodeFaults.defaults().withLostCommitAnswers(0.03))
              .transactions(200)
              .run(TccScenario::fenced);
      assertThat(result.committed()).as("seed %d committed something", seed).isPositive();
      lost += result.lostCommitAnswers();
      if (seed == 1) {
        assertThat(result.otherLogErrors()).as("seed 1: log errors escaping execute or recover").isZero();
      }
    }
    assertThat(lost).as("commit answers lost").isPositive();
  }

  @ParameterizedTest
  @EnumSource(Protocols.class)
  @SuppressWarnings("unchecked")
  void everyProtocolsCoordinatorsShareTheLogSafely(Protocols protocol) {
    for (long seed = 1; seed <= 2; seed++) {
      SharedLogResult result =
          SharedLogSimulation.withSeed(seed)
              .transactions(150)
              .run(w -> (Scenario<Object>) protocol.scenario.apply(w));
      assertThat(result.committed()).as("%s seed %d committed something", protocol, seed).isPositive();
    }
  }

  @Test
  void aSeedReplaysItsRunExactly() {
    SharedLogSimulation simulation =
        SharedLogSimulation.withSeed(77).nodes(4).lease(Duration.ofMillis(500)).transactions(120);
    SharedLogResult first = simulation.run(TccScenario::fenced);
    SharedLogResult again = simulation.run(TccScenario::fenced);
    assertThat(again).usingRecursiveComparison().ignoringFields("elapsedNanos").isEqualTo(first);
    assertThat(first.pauses() + first.crashes()).isPositive();
  }

  @Test
  void settingsAreCheckedAndTheReplayLineNamesThemAll() {
    assertThatThrownBy(() -> SharedLogSimulation.withSeed(1).nodes(1)).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> SharedLogSimulation.withSeed(1).lease(Duration.ofMillis(10)))
        .hasMessageContaining("at least 100 ms");
    assertThatThrownBy(() -> SharedLogSimulation.withSeed(1).faults(FaultPlan.none().withHeuristic(0.1)))
        .hasMessageContaining("call faults");
    assertThatThrownBy(() -> new NodeFaults(0.6, 0.6, 0, 0)).hasMessageContaining("at most 1");
    assertThatThrownBy(() -> new NodeFaults(0.5, 0.3, 0, 0, 0.3)).hasMessageContaining("lostCommitAnswer");
    assertThatThrownBy(() -> new NodeFaults(0, 0, 0, 0, -0.1)).hasMessageContaining("lostCommitAnswer rate");
    assertThat(SharedLogSimulation.withSeed(5).nodes(4).nodeFaults(new NodeFaults(0.1, 0.2, 0.3, 0.4)))
        .hasToString(
            "SharedLogSimulation.withSeed(5L).nodes(4).faults(new FaultPlan(0.02, 0.02, 0.02, 0.02,"
                + " 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)).nodeFaults(new NodeFaults(0.1, 0.2, 0.3, 0.4, 0.0))"
                + ".lease(Duration.ofMillis(2000)).transactions(200).run(...)");
  }
}
