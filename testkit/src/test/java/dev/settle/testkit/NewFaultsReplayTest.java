package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The newer faults are drawn from the seed too: the same seed replays the same run. */
class NewFaultsReplayTest {
  private static SimulationResult run(Simulation simulation, Function<World, ? extends Scenario<?>> scenario) {
    @SuppressWarnings("unchecked")
    Function<World, Scenario<Object>> s = w -> (Scenario<Object>) scenario.apply(w);
    return simulation.run(s);
  }

  private static Simulation twoPhase() {
    return Simulation.withSeed(12)
        .faults(FaultPlan.uniform(0.02).withBlock(0.05).withHeuristic(0.05).withInterrupt(0.05))
        .crashEvery(13)
        .transactions(400);
  }

  @Test
  void blocksHeuristicsAndInterruptsReplay() {
    Function<World, ? extends Scenario<?>> scenario = w -> new TwoPhaseSimulationTest.TwoPhaseScenario(w, false);
    SimulationResult first = run(twoPhase(), scenario);
    SimulationResult second = run(twoPhase(), scenario);
    assertThat(first.faults().blocked()).isPositive();
    assertThat(first.faults().heuristics()).isPositive();
    assertThat(second.faults()).isEqualTo(first.faults());
    assertThat(second.world()).isEqualTo(first.world());
    assertThat(second.mixed()).isEqualTo(first.mixed());
    assertThat(second.committed()).isEqualTo(first.committed());
  }

  @Test
  void fileLogDamageReplays() {
    Function<World, ? extends Scenario<?>> scenario = TccScenario::fenced;
    Simulation simulation = Simulation.withSeed(3).faults(FaultPlan.uniform(0.02)).onFileLog(0.5).crashEvery(11).transactions(80);
    SimulationResult first = run(simulation, scenario);
    SimulationResult second = run(simulation, scenario);
    assertThat(first.world().logDamages()).isPositive();
    assertThat(second.world()).isEqualTo(first.world());
    assertThat(second.committed()).isEqualTo(first.committed());
  }
}
