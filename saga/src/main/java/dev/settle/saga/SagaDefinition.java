package dev.settle.saga;

import dev.settle.saga.spi.StepAction;

import dev.settle.core.BranchId;
import dev.settle.core.RetryPolicy;
import dev.settle.core.internal.check.Assert;
import dev.settle.core.internal.check.Identifiers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ordered list of steps, each an action and its compensation. Immutable; register it with the
 * coordinator under its name so a crashed saga can be resumed.
 *
 * <pre>{@code
 * SagaDefinition transfer = SagaDefinition.builder("transfer")
 *     .step("debit",  ctx -> shard1.debit(ctx.get(FROM), ctx.get(AMOUNT)),
 *                     ctx -> shard1.credit(ctx.get(FROM), ctx.get(AMOUNT)))
 *     .step("credit", ctx -> shard2.credit(ctx.get(TO), ctx.get(AMOUNT)),
 *                     ctx -> shard2.debit(ctx.get(TO), ctx.get(AMOUNT)))
 *     .build();
 * }</pre>
 *
 * @param name unique among the definitions of one coordinator
 * @param steps at least one, with distinct names
 * @param parallelCompensation whether compensations may run at once instead of strictly in
 *     reverse order; only for steps whose compensations do not depend on each other
 */
public record SagaDefinition(String name, List<SagaStep> steps, boolean parallelCompensation) {
  /** Checks the fields. */
  public SagaDefinition {
    Identifiers.check(name, "saga name");
    steps = List.copyOf(Assert.notNull(steps, "steps"));
    Assert.isTrue(!steps.isEmpty(), "saga " + name + " needs at least one step");
    Set<BranchId> seen = new HashSet<>();
    for (SagaStep step : steps) {
      Assert.isTrue(seen.add(step.name()), "saga " + name + " has two steps named " + step.name());
    }
  }

  /** A builder for a saga called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Whether {@code other} is the same saga as far as the log and recovery can tell: the same
   * name, the same step names in the same order and the same compensation mode. Actions are not
   * compared (lambdas have no useful equality), so a definition rebuilt for every request is
   * compatible with the registered one; steps of one name must behave the same, since recovery
   * resumes a saga with the definition registered under its name.
   */
  public boolean isCompatibleWith(SagaDefinition other) {
    Assert.notNull(other, "other");
    return name.equals(other.name)
        && parallelCompensation == other.parallelCompensation
        && stepNames().equals(other.stepNames());
  }

  /** The step names, in order. */
  public List<String> stepNames() {
    return steps.stream().map(s -> s.name().value()).toList();
  }

  /** The position of a step, or -1. */
  public int indexOf(BranchId step) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(step)) {
        return i;
      }
    }
    return -1;
  }

  /** Adds steps in order. */
  public static final class Builder {
    private final String name;
    private final List<SagaStep> steps = new ArrayList<>();
    private boolean parallelCompensation;

    private Builder(String name) {
      this.name = Identifiers.check(name, "saga name");
    }

    /** Adds a step that is not retried: its first failure turns the saga back. */
    public Builder step(String stepName, StepAction action, StepAction compensation) {
      return step(stepName, action, compensation, RetryPolicy.none());
    }

    /** Adds a retryable step: its action is retried under {@code retry} before turning back. */
    public Builder step(
        String stepName, StepAction action, StepAction compensation, RetryPolicy retry) {
      // Checked here to say which step of which saga lacks a name; BranchId.of alone cannot.
      String checked =
          Identifiers.check(stepName, "name of step " + (steps.size() + 1) + " of saga " + name);
      steps.add(new SagaStep(BranchId.of(checked), action, compensation, retry));
      return this;
    }

    /** Lets compensations run at once; by default they run strictly in reverse order. */
    public Builder parallelCompensation() {
      this.parallelCompensation = true;
      return this;
    }

    /** The definition. */
    public SagaDefinition build() {
      return new SagaDefinition(name, steps, parallelCompensation);
    }
  }
}
