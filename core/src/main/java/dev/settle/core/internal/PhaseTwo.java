package dev.settle.core.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.log.LogRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Sends a logged decision to every branch and ends the transaction: the part of every protocol
 * that must "never give up silently". Each branch is retried under the phase-two policy; a branch
 * still failing after that is logged and reported {@link BranchState#IN_DOUBT}, the transaction
 * gets no End record, and the next recovery pass tries again.
 */
public final class PhaseTwo {
  /** One phase-two call; {@code attempt} counts from 1. */
  @FunctionalInterface
  public interface Call {
    /** Sends the decision to the branch; throws if it was not acknowledged. */
    void send(int attempt);
  }

  /**
   * A branch to drive.
   *
   * @param id the branch
   * @param call the phase-two call
   */
  public record Branch(BranchId id, Call call) {}

  private final Journal journal;
  private final EventDispatcher events;
  private final Retrier retrier;

  public PhaseTwo(Journal journal, EventDispatcher events, Retrier retrier) {
    this.journal = journal;
    this.events = events;
    this.retrier = retrier;
  }

  /**
   * Drives {@code branches} to {@code decision} in order and ends the transaction when all
   * acknowledged.
   *
   * @param settled branches that need no phase two (read-only voters, branches finished before a
   *     crash), with their states, reported in the outcome as they are
   * @param reason why the transaction rolls back (ignored on commit)
   */
  public Outcome drive(
      TransactionId tx,
      Decision decision,
      List<Branch> branches,
      Map<BranchId, BranchState> settled,
      String reason) {
    Map<BranchId, BranchState> states = new LinkedHashMap<>(settled);
    Map<BranchId, BranchState> driven = new LinkedHashMap<>();
    RuntimeException lastFailure = null;
    for (Branch branch : branches) {
      Retrier.Result result = driveOne(tx, decision, branch);
      driven.put(branch.id(), stateAfter(decision, result));
      if (!result.succeeded()) {
        lastFailure = result.lastFailure();
      }
    }
    states.putAll(driven);
    return finish(tx, decision, states, driven, lastFailure, reason);
  }

  /**
   * Like {@link #drive}, but every branch at once on {@code executor}: for compensations the
   * caller declared independent of each other.
   */
  public Outcome driveInParallel(
      TransactionId tx,
      Decision decision,
      List<Branch> branches,
      Map<BranchId, BranchState> settled,
      String reason,
      Executor executor) {
    List<CompletableFuture<Retrier.Result>> running = new ArrayList<>();
    for (Branch branch : branches) {
      running.add(CompletableFuture.supplyAsync(() -> driveOne(tx, decision, branch), executor));
    }
    Map<BranchId, BranchState> states = new LinkedHashMap<>(settled);
    Map<BranchId, BranchState> driven = new LinkedHashMap<>();
    RuntimeException lastFailure = null;
    for (int i = 0; i < branches.size(); i++) {
      Retrier.Result result = join(running.get(i));
      driven.put(branches.get(i).id(), stateAfter(decision, result));
      if (!result.succeeded()) {
        lastFailure = result.lastFailure();
      }
    }
    states.putAll(driven);
    return finish(tx, decision, states, driven, lastFailure, reason);
  }

  private static Retrier.Result join(CompletableFuture<Retrier.Result> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      // driveOne lets only Errors escape (a crash); rethrow them as they were.
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private static BranchState stateAfter(Decision decision, Retrier.Result result) {
    if (!result.succeeded()) {
      return BranchState.IN_DOUBT;
    }
    return decision == Decision.COMMIT ? BranchState.COMMITTED : BranchState.ROLLED_BACK;
  }

  private Retrier.Result driveOne(TransactionId tx, Decision decision, Branch branch) {
    BranchState done = decision == Decision.COMMIT ? BranchState.COMMITTED : BranchState.ROLLED_BACK;
    EventType doneEvent =
        decision == Decision.COMMIT ? EventType.BRANCH_COMMITTED : EventType.BRANCH_ROLLED_BACK;
    int[] attempt = {0};
    Retrier.Result result =
        retrier.run(
            () -> branch.call().send(++attempt[0]),
            (n, failure, delay) ->
                events.publish(
                    tx,
                    branch.id(),
                    EventType.BRANCH_RETRYING,
                    "attempt " + n + " failed (" + failure + "); next in " + delay));
    if (result.succeeded()) {
      events.publish(tx, branch.id(), doneEvent, "");
    } else {
      events.publish(
          tx,
          branch.id(),
          EventType.BRANCH_IN_DOUBT,
          result.attempts() + " attempts failed, last: " + result.lastFailure());
    }
    return result;
  }

  /**
   * Logs every driven branch's new state in one unforced append, with the End record when all
   * acknowledged. Unforced and batched on purpose: a crash that loses them only makes recovery
   * send the decision again, which participants take as a no-op.
   */
  private Outcome finish(
      TransactionId tx,
      Decision decision,
      Map<BranchId, BranchState> states,
      Map<BranchId, BranchState> driven,
      @Nullable RuntimeException lastFailure,
      String reason) {
    List<LogRecord> records = new ArrayList<>(driven.size() + 1);
    driven.forEach((id, state) -> records.add(new LogRecord.BranchUpdated(tx, id, state)));
    if (states.containsValue(BranchState.IN_DOUBT)) {
      if (!records.isEmpty()) {
        journal.append(records, false);
      }
      events.publish(tx, EventType.TRANSACTION_HEURISTIC, "in doubt after " + decision);
      return new Outcome.InDoubt(tx, states, decision, lastFailure);
    }
    records.add(new LogRecord.End(tx));
    journal.append(records, false);
    if (decision == Decision.COMMIT) {
      events.publish(tx, EventType.TRANSACTION_COMMITTED, "");
      return new Outcome.Committed(tx, states);
    }
    events.publish(tx, EventType.TRANSACTION_ROLLED_BACK, reason);
    return new Outcome.RolledBack(tx, states, reason);
  }
}
