package dev.settle.saga.spi;

import dev.settle.saga.spi.SagaContext;

/**
 * A step's action or its compensation: one local transaction on one service or database. Throw
 * to report failure; throw {@link dev.settle.core.ParticipantTimeoutException} when the outcome
 * is unknown (the call may still take effect), so that the step is compensated too.
 *
 * <p>A compensation must succeed when its action never happened, and both may run more than
 * once (retries, recovery after a crash): make them idempotent, for example keyed by {@link
 * SagaContext#transactionId()} and {@link SagaContext#step()}.
 */
@FunctionalInterface
public interface StepAction {
  /** Runs the action or compensation. */
  void run(SagaContext context);
}
