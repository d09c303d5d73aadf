package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchState;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import org.junit.jupiter.api.Test;

/**
 * Ambiguous results of a one-phase commit: applied, then the answer lost. The 2PC scenario's
 * transfers between two accounts of one node have a single participant and commit in one phase.
 */
class OnePhaseAmbiguityTest {
  /** The planted bug: asked what became of a one-phase commit, it says "rolled back", always. */
  static TwoPhaseParticipant lyingInquire(TwoPhaseParticipant node) {
    return new TwoPhaseParticipant() {
      @Override
      public String name() {
        return node.name();
      }

      @Override
      public Vote prepare(TwoPhaseContext ctx) {
        return node.prepare(ctx);
      }

      @Override
      public void commit(TwoPhaseContext ctx, boolean onePhase) {
        node.commit(ctx, onePhase);
      }

      @Override
      public void rollback(TwoPhaseContext ctx) {
        node.rollback(ctx);
      }

      @Override
      public BranchState inquire(TwoPhaseContext ctx) {
        return BranchState.ROLLED_BACK;
      }

      @Override
      public boolean answersInquiry() {
        return true; // claims it can tell, so it gets one-phase commits
      }
    };
  }

  @Test
  void lostAnswersOfOnePhaseCommitsStayTruthful() {
    SimulationResult result =
        Simulation.withSeed(31)
            .faults(new FaultPlan(0, 0.2, 0, 0, 0).withBlock(0.05))
            .crashEvery(19)
            .transactions(2_000)
            .run(world -> new TwoPhaseSimulationTest.TwoPhaseScenario(world, false));
    assertThat(result.committed()).isPositive();
    assertThat(result.faults().timedOut()).isPositive();
  }

  @Test
  void catchesAOnePhaseInquireThatLies() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(new FaultPlan(0, 0.3, 0, 0, 0)).transactions(30),
        world -> new TwoPhaseSimulationTest.TwoPhaseScenario(world, false, OnePhaseAmbiguityTest::lyingInquire),
        "truthful outcome");
  }
}
