package dev.settle.core;

import org.jspecify.annotations.Nullable;

/**
 * A transaction ended in a heuristic or in-doubt outcome: not every branch agreed with the
 * decision, or some could not be reached after every retry. The outcome says which branch stands
 * where; recovery keeps driving in-doubt branches.
 */
public class HeuristicOutcomeException extends SettleException {
  private static final long serialVersionUID = 1L;

  private final transient Outcome outcome;

  /** Wraps a heuristic or in-doubt outcome. */
  public HeuristicOutcomeException(Outcome outcome) {
    super(outcome.transactionId(), describe(outcome), causeOf(outcome));
    this.outcome = outcome;
  }

  /** The outcome that was not clean. */
  public Outcome outcome() {
    return outcome;
  }

  private static String describe(Outcome outcome) {
    return "transaction ended " + outcome.getClass().getSimpleName() + " with branches "
        + outcome.branches();
  }

  private static @Nullable Throwable causeOf(Outcome outcome) {
    return outcome instanceof Outcome.InDoubt inDoubt ? inDoubt.lastFailure() : null;
  }
}
