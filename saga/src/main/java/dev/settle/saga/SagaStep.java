package dev.settle.saga;

import dev.settle.saga.spi.StepAction;

import dev.settle.core.BranchId;
import dev.settle.core.RetryPolicy;
import dev.settle.core.internal.check.Assert;

/**
 * One step of a saga.
 *
 * @param name unique within the saga; the step's branch id in the log
 * @param action the forward local transaction
 * @param compensation undoes the action; must tolerate an action that never happened
 * @param retry how a failing action is retried before the saga turns back ({@link
 *     RetryPolicy#none()} for steps that are not retryable)
 */
public record SagaStep(BranchId name, StepAction action, StepAction compensation, RetryPolicy retry) {
  /** Checks the fields. */
  public SagaStep {
    Assert.notNull(name, "step name");
    Assert.notNull(action, "action of step " + name);
    Assert.notNull(compensation, "compensation of step " + name);
    Assert.notNull(retry, "retry of step " + name);
  }
}
