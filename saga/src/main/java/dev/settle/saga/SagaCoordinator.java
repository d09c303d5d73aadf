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
 *
 * <p>A saga's name in the log is how recovery finds its definition again, so one name means one
 * list of steps: a request whose definition is not registered yet is registered under its name,
 * and a request whose definition is not {@linkplain SagaDefinition#isCompatibleWith compatible}
 * with the one registered under that name is refused with an {@link IllegalArgumentException}
 * before anything is logged or run.
 *
 * <p>Thread-safe, as every {@link Coordinator}: share one instance among the threads that run
 * sagas.
 */
public interface SagaCoordinator extends Coordinator<SagaRequest> {
  /** The protocol name written in this coordinator's log records. */
  String PROTOCOL = "saga";

  /** A builder with validated defaults. */
  static SagaCoordinatorBuilder builder() {
    return new SagaCoordinatorBuilder();
  }
}
