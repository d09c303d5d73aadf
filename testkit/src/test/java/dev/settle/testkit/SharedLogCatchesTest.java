package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Planted bugs in the shared log that the several-nodes simulation must catch, each for the right
 * reason, with a replayable seed.
 */
class SharedLogCatchesTest {
  @Test
  void catchesAClaimWithoutFencing() {
    SimulationFailure failure =
        firstFailure(
            50, seed -> SharedLogSimulation.withSeed(seed).logs(PlantedSharedLogs::unfencedClaim), true);
    System.err.println(failure.getMessage());
    assertThat(failure.getCause()).hasMessageStartingWith("no outcome after lost ownership");
  }

  @Test
  void catchesALeaseJudgedOnTheJvmClockWhenTheDatabaseClockJumps() {
    SimulationFailure failure =
        firstFailure(
            // The planted bug reads the JVM's real clock, so a replay cannot repeat the run exactly
            // (which transactions a node takes when depends on the real time): it must fail again,
            // for the same reason.
            50, seed -> SharedLogSimulation.withSeed(seed).logs(PlantedSharedLogs::jvmClockLease), false);
    System.err.println(failure.getMessage());
    assertThat(failure.getCause()).hasMessageStartingWith("termination");
  }

  @Test
  void theLeaseOnTheJvmClockGoesUnseenWhileTheDatabaseClockAgreesWithTheJvms() {
    // The same planted bug with every fault but the clock jumps: nothing shows it. The jumps are
    // what the simulation needs to catch it.
    for (long seed = 1; seed <= 3; seed++) {
      assertThat(
              failureOf(
                  SharedLogSimulation.withSeed(seed)
                      .nodeFaults(new NodeFaults(0.03, 0.04, 0.5, 0))
                      .logs(PlantedSharedLogs::jvmClockLease)))
          .as("seed %d", seed)
          .isNull();
    }
  }

  /**
   * Runs seeds 1 to {@code seeds} until one fails; asserts one did, and that its seed fails again:
   * with the same message when the run is {@code deterministic}, else for the same invariant.
   */
  private static SimulationFailure firstFailure(
      int seeds, LongFunction<SharedLogSimulation> simulation, boolean deterministic) {
    SimulationFailure failure = null;
    for (long seed = 1; seed <= seeds && failure == null; seed++) {
      failure = failureOf(simulation.apply(seed));
    }
    assertThat(failure).as("a failing seed within %d", seeds).isNotNull();
    long seed = failure.seed();
    assertThat(failure).hasMessageContaining("replay: SharedLogSimulation.withSeed(" + seed + "L)");
    SimulationFailure again = failureOf(simulation.apply(seed));
    assertThat(again).as("seed %d fails again", seed).isNotNull();
    if (deterministic) {
      assertThat(again.getMessage()).isEqualTo(failure.getMessage());
    } else {
      String invariant = String.valueOf(failure.getCause().getMessage()).split(":")[0];
      assertThat(again.getCause()).hasMessageStartingWith(invariant);
    }
    return failure;
  }

  private static @Nullable SimulationFailure failureOf(SharedLogSimulation simulation) {
    try {
      simulation.transactions(200).run(TccScenario::fenced);
      return null;
    } catch (SimulationFailure failure) {
      return failure;
    }
  }
}
