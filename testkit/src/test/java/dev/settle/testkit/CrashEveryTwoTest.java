package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Recovery must make progress when the coordinator dies at every second log append: each restart
 * gets exactly one append through, so a recovery that spends an append on something it already
 * logged (a step's start, say) never gets anywhere (issue 13, defect 12).
 */
class CrashEveryTwoTest {
  private static final int TRANSACTIONS = 200;

  @Test
  void sagaRecoveryProgressesAndFinishesEverySaga() {
    SimulationResult result =
        Simulation.withSeed(12)
            .faults(new FaultPlan(0.1, 0.1, 0, 0, 0))
            .crashEvery(2)
            .transactions(TRANSACTIONS)
            .run(SagaSimulationTest.SagaScenario::new);
    // run() checks termination: every saga ended in the log with a clean outcome.
    assertThat(result.crashes()).isPositive();
    assertThat(result.committed() + result.rolledBack()).isPositive();
    assertThat(result.inDoubt()).isZero();
  }

  @Test
  void tccRecoveryProgresses() {
    SimulationResult result =
        Simulation.withSeed(12)
            .faults(new FaultPlan(0.1, 0.1, 0, 0, 0))
            .crashEvery(2)
            // TCC's decision is its second append: a crash at every second append lets nothing
            // commit; what is checked is that recovery still finishes every transaction.
            .allowingNoCommits()
            .transactions(TRANSACTIONS)
            .run(TccScenario::fenced);
    assertThat(result.crashes()).isPositive();
    assertThat(result.inDoubt()).isZero();
  }

  @Test
  void twoPhaseRecoveryProgresses() {
    SimulationResult result =
        Simulation.withSeed(12)
            .faults(new FaultPlan(0.1, 0.1, 0, 0, 0))
            .crashEvery(2)
            .allowingNoCommits() // as for TCC: the commit decision never survives
            .transactions(TRANSACTIONS)
            .run(world -> new TwoPhaseSimulationTest.TwoPhaseScenario(world, false));
    assertThat(result.crashes()).isPositive();
    assertThat(result.inDoubt()).isZero();
  }
}
