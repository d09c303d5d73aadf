package dev.settle.testkit;

import dev.settle.twopc.spi.TwoPhaseContext;

/**
 * A 2PC participant that can apply part of a prepared branch and drop the rest, for the
 * heuristic-mix answer ({@link FaultPlan#heuristic()}, XA {@code XA_HEURMIX}). Implement it to let
 * the fault layer answer your participant's commits and rollbacks with {@link
 * dev.settle.core.BranchState#HEURISTIC_MIXED} as well; record the mix with {@link
 * AppliedLedger#mixed}.
 */
public interface PartlyApplicable {
  /**
   * Applies part of the prepared branch and drops the rest, finishing it.
   *
   * @throws RuntimeException when the branch is not prepared (nothing then changes)
   */
  void applyPart(TwoPhaseContext ctx);
}
