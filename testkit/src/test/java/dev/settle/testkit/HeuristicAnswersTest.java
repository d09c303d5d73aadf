package dev.settle.testkit;

import dev.settle.core.BranchState;
import dev.settle.core.HeuristicBranchException;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import org.junit.jupiter.api.Test;

/** Heuristic answers from XA-like 2PC participants, and the truthful-outcome invariant. */
class HeuristicAnswersTest {
  /**
   * The planted bug, as the old XaParticipant had it: an adapter that takes any answer of the
   * resource for success, heuristic ones included.
   */
  static TwoPhaseParticipant swallowingHeuristics(TwoPhaseParticipant resource) {
    return new TwoPhaseParticipant() {
      @Override
      public String name() {
        return resource.name();
      }

      @Override
      public Vote prepare(TwoPhaseContext ctx) {
        return resource.prepare(ctx);
      }

      @Override
      public void commit(TwoPhaseContext ctx, boolean onePhase) {
        try {
          resource.commit(ctx, onePhase);
        } catch (HeuristicBranchException e) {
          // "the resource no longer lists the branch, so it is done"
        }
      }

      @Override
      public void rollback(TwoPhaseContext ctx) {
        try {
          resource.rollback(ctx);
        } catch (HeuristicBranchException e) {
          // likewise
        }
      }

      @Override
      public BranchState inquire(TwoPhaseContext ctx) {
        return resource.inquire(ctx);
      }
    };
  }

  @Test
  void catchesAnXaAdapterThatSwallowsHeuristics() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(FaultPlan.none().withHeuristic(0.2)).transactions(30),
        world -> new TwoPhaseSimulationTest.TwoPhaseScenario(world, false, HeuristicAnswersTest::swallowingHeuristics),
        "truthful outcome");
  }
}
