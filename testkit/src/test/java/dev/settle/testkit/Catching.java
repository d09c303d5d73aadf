package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.function.LongFunction;

/** The shape of every catches test: a planted bug is found within 1,000 seeds, for the right reason. */
final class Catching {
  private Catching() {}

  /**
   * Runs seeds 1 to 1,000 until one fails; asserts that one did, that its cause names {@code
   * invariant}, and that its replay line reproduces it.
   */
  static SimulationFailure within1000Seeds(
      LongFunction<Simulation> simulation, Function<World, ? extends Scenario<?>> scenario, String invariant) {
    SimulationFailure failure = TccSimulationTest.firstFailure(1_000, simulation::apply, scenario);
    assertThat(failure).as("a failing seed within 1,000").isNotNull();
    assertThat(failure).hasMessageContaining("replay: Simulation.withSeed(" + failure.seed() + "L)");
    assertThat(failure.getCause()).hasMessageContaining(invariant);
    SimulationFailure again = TccSimulationTest.firstFailure(1, s -> simulation.apply(failure.seed()), scenario);
    assertThat(again).as("the reported seed fails again").isNotNull();
    assertThat(again.getMessage()).isEqualTo(failure.getMessage());
    return failure;
  }
}
