package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;

/** The correct scenario of each protocol, for simulations that switch one fault on for all three. */
enum Protocols {
  TCC(TccScenario::fenced),
  TWO_PHASE(world -> new TwoPhaseSimulationTest.TwoPhaseScenario(world, false)),
  SAGA(SagaSimulationTest.SagaScenario::new);

  final Function<World, ? extends Scenario<?>> scenario;

  Protocols(Function<World, ? extends Scenario<?>> scenario) {
    this.scenario = scenario;
  }

  /** Runs {@code simulation} on this protocol's scenario; it must keep every invariant. */
  @SuppressWarnings("unchecked")
  SimulationResult run(Simulation simulation) {
    SimulationResult result = simulation.run(w -> (Scenario<Object>) scenario.apply(w));
    assertThat(result.committed()).as("%s committed something", this).isPositive();
    System.err.printf("%s: %s, world %s%n", this, result.faults(), result.world());
    return result;
  }
}
