package dev.settle.saga.internal;

import dev.settle.core.BranchState;
import dev.settle.core.config.CoordinatorSettings;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.internal.CallGuard;
import dev.settle.core.internal.EventDispatcher;
import dev.settle.core.internal.Journal;
import dev.settle.core.internal.Reason;
import dev.settle.core.internal.Retrier;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaStep;
import java.util.List;
import java.util.Map;

/**
 * The forward half of one saga: runs steps in order from a given index, logging each step's
 * start (forced, before the action: a step that may have run is never forgotten) and its end
 * with the values it produced.
 */
final class SagaRun {
  /**
   * How the forward run ended.
   *
   * @param completed whether every step was applied
   * @param reason why the saga turns back, when it does
   */
  record Result(boolean completed, Reason reason) {}

  private final TransactionId tx;
  private final SagaDefinition definition;
  private final Map<String, byte[]> values;
  private final Journal journal;
  private final EventDispatcher events;
  private final CoordinatorSettings settings;
  private final CallGuard guard;

  SagaRun(
      TransactionId tx,
      SagaDefinition definition,
      Map<String, byte[]> values,
      Journal journal,
      EventDispatcher events,
      CoordinatorSettings settings) {
    this.tx = tx;
    this.definition = definition;
    this.values = values;
    this.journal = journal;
    this.events = events;
    this.settings = settings;
    this.guard = CallGuard.of(settings);
  }

  TransactionId tx() {
    return tx;
  }

  SagaDefinition definition() {
    return definition;
  }

  Map<String, byte[]> values() {
    return values;
  }

  /**
   * Runs steps {@code from} onward.
   *
   * @param firstStartLogged whether step {@code from}'s start is already in the log
   * @param firstMayHaveRun whether step {@code from} was started before a crash, so an earlier
   *     attempt of its action may still take effect
   */
  Result forward(int from, boolean firstStartLogged, boolean firstMayHaveRun) {
    List<SagaStep> steps = definition.steps();
    for (int i = from; i < steps.size(); i++) {
      SagaStep step = steps.get(i);
      if (i != from || !firstStartLogged) {
        journal.append(new LogRecord.BranchUpdated(tx, step.name(), BranchState.STARTED), true);
      }
      events.publish(
          tx, step.name(), EventType.BRANCH_PREPARING, events.listened() ? "step " + (i + 1) + " of " + steps.size() : "");
      Map<String, byte[]>[] produced = new Map[1];
      int[] attempt = {0};
      // Once one attempt's outcome is unknown, a later clean failure proves nothing: the earlier
      // attempt may still land, so the step must be compensated.
      boolean[] mayHaveRun = {i == from && firstMayHaveRun};
      Retrier.Result result =
          new Retrier(step.retry(), settings.clock(), settings.scheduler(), settings.random())
              .run(
                  () -> {
                    SagaContextImpl ctx =
                        new SagaContextImpl(tx, step.name(), ++attempt[0], values, false);
                    // Under the call timeout: an action that never returns counts as an unknown
                    // outcome (compensated), and execute returns.
                    guard.run(tx, step.name(), "step " + step.name(), () -> step.action().run(ctx));
                    produced[0] = ctx.staged();
                  },
                  (n, failure, delay) -> {
                    mayHaveRun[0] |= failure instanceof ParticipantTimeoutException;
                    events.publish(
                        tx, step.name(), EventType.BRANCH_RETRYING, "attempt " + n + " failed: " + failure);
                  },
                  failure -> !(failure instanceof CallGuard.Interrupted));
      if (!result.succeeded()) {
        RuntimeException failure = result.lastFailure();
        boolean unknown = failure instanceof ParticipantTimeoutException || mayHaveRun[0];
        if (!unknown) {
          // A clean failure: the step's local transaction did not happen; no compensation.
          journal.append(new LogRecord.BranchUpdated(tx, step.name(), BranchState.FAILED), false);
        }
        events.publish(
            tx,
            step.name(),
            EventType.BRANCH_FAILED,
            (unknown ? "outcome unknown, will be compensated: " : "") + failure);
        return new Result(false, new Reason("step " + step.name() + " failed: " + failure, step.name(), failure));
      }
      Map<String, byte[]> out = produced[0];
      values.putAll(out);
      journal.append(
          new LogRecord.BranchUpdated(tx, step.name(), BranchState.PREPARED, ContextCodec.encode(out)),
          false);
      events.publish(tx, step.name(), EventType.BRANCH_PREPARED, "step applied");
    }
    return new Result(true, Reason.of(""));
  }
}
