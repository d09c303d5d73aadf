package dev.settle.saga;

import dev.settle.core.Coordinator;

/**
 * Runs sagas: steps in order; on a failure, compensations of every completed step in reverse
 * order (and of the failed step when its outcome is unknown). Every step's start and end and the
 * turn back are logged, so {@link #recover()} resumes a crashed saga forward if it had not turned
 * back and backward if it had.
 *
 * <p>A compensation that still fails after the retry policy leaves the saga {@link
 * dev.settle.core.Outcome.InDoubt in doubt} ("needs attention"), naming the step; recovery keeps
 * retrying it.
 */
public interface SagaCoordinator extends Coordinator<SagaRequest> {
  /** The protocol name written in this coordinator's log records. */
  String PROTOCOL = "saga";

  /** A builder with validated defaults. */
  static SagaCoordinatorBuilder builder() {
    return new SagaCoordinatorBuilder();
  }
}
