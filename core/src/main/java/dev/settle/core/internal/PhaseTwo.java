package dev.settle.core.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.config.CoordinatorSettings;
import dev.settle.core.Decision;
import dev.settle.core.FailureKind;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.log.spi.LogRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Sends a logged decision to every branch and ends the transaction: the part of every protocol
 * that must "never give up silently" and whose outcome must never lie.
 *
 * <ul>
 *   <li>Each call runs under the call timeout ({@link CallGuard}) and is retried under the
 *       phase-two policy; a branch still failing after that is reported {@link
 *       BranchState#IN_DOUBT}, the transaction gets no End record, and the next recovery pass
 *       tries again.
 *   <li>A branch that answers with a {@link HeuristicBranchException} is not retried: its applied
 *       state is logged (forced), only then is the resource told to forget it, and the outcome is
 *       {@link Outcome.Mixed} when any branch applied something other than the decision.
 * </ul>
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
   * @param forget tells the resource to forget a heuristic outcome once it is logged (XA {@code
   *     forget}); a no-op where the protocol has none
   */
  public record Branch(BranchId id, Call call, Runnable forget) {
    /** A branch whose protocol has nothing to forget. */
    public Branch(BranchId id, Call call) {
      this(id, call, () -> {});
    }
  }

  /**
   * How one branch ended. Kept in a list, not a map keyed by branch: a branch's hash is its call's
   * identity hash, computed anew for every transaction (a measurable share of the in-memory path).
   */
  private record Driven(Branch branch, BranchState state, @Nullable RuntimeException failure, boolean heuristic) {}

  private final Journal journal;
  private final EventDispatcher events;
  private final Retrier retrier;
  private final CallGuard guard;

  public PhaseTwo(Journal journal, EventDispatcher events, Retrier retrier, CallGuard guard) {
    this.journal = journal;
    this.events = events;
    this.retrier = retrier;
    this.guard = guard;
  }

  /** Phase two with the retry policy, call timeout, clock and executor of {@code settings}. */
  public static PhaseTwo of(Journal journal, EventDispatcher events, CoordinatorSettings settings) {
    return new PhaseTwo(
        journal,
        events,
        new Retrier(settings.phaseTwoRetry(), settings.clock(), settings.scheduler(), settings.random()),
        CallGuard.of(settings));
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
      Reason reason) {
    return driveOneByOne(tx, decision, branches, settled, reason, false);
  }

  /**
   * Like {@link #drive}, but strictly one after another: once a branch is left in doubt, the
   * branches after it are not sent anything (they stay as logged, reported {@link
   * BranchState#IN_DOUBT}), so that recovery resumes from that branch and the order holds. For a
   * saga's compensations, which must run in reverse order of the steps.
   */
  public Outcome driveInOrder(
      TransactionId tx,
      Decision decision,
      List<Branch> branches,
      Map<BranchId, BranchState> settled,
      Reason reason) {
    return driveOneByOne(tx, decision, branches, settled, reason, true);
  }

  private Outcome driveOneByOne(
      TransactionId tx,
      Decision decision,
      List<Branch> branches,
      Map<BranchId, BranchState> settled,
      Reason reason,
      boolean holdBackAfterInDoubt) {
    List<Driven> driven = new ArrayList<>(branches.size());
    Map<BranchId, BranchState> states = new LinkedHashMap<>(settled);
    boolean blocked = false;
    for (Branch branch : branches) {
      if (blocked) {
        states.put(branch.id(), BranchState.IN_DOUBT);
        events.publish(tx, branch.id(), EventType.BRANCH_IN_DOUBT, "waits for an earlier branch left in doubt");
        continue;
      }
      Driven d = driveOne(tx, decision, branch);
      driven.add(d);
      blocked = holdBackAfterInDoubt && d.state() == BranchState.IN_DOUBT;
    }
    return finish(tx, decision, states, driven, reason);
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
      Reason reason,
      Executor executor) {
    List<CompletableFuture<Driven>> running = new ArrayList<>();
    for (Branch branch : branches) {
      running.add(CompletableFuture.supplyAsync(() -> driveOne(tx, decision, branch), executor));
    }
    List<Driven> driven = new ArrayList<>(branches.size());
    for (int i = 0; i < branches.size(); i++) {
      driven.add(join(running.get(i)));
    }
    return finish(tx, decision, settled, driven, reason);
  }

  private static Driven join(CompletableFuture<Driven> future) {
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

  private Driven driveOne(TransactionId tx, Decision decision, Branch branch) {
    BranchState done = decision == Decision.COMMIT ? BranchState.COMMITTED : BranchState.ROLLED_BACK;
    String what = decision == Decision.COMMIT ? "commit" : "rollback";
    int[] attempt = {0};
    HeuristicBranchException[] heuristic = {null};
    Retrier.Result result =
        retrier.run(
            () -> {
              try {
                guard.run(tx, branch.id(), what, () -> branch.call().send(++attempt[0]));
              } catch (HeuristicBranchException e) {
                heuristic[0] = e; // an answer, not a failure: never retried
              }
            },
            (n, failure, delay) ->
                events.publish(
                    tx,
                    branch.id(),
                    EventType.BRANCH_RETRYING,
                    "attempt " + n + " failed (" + failure + "); next in " + delay),
            failure -> !(failure instanceof CallGuard.Interrupted));
    HeuristicBranchException answer = heuristic[0];
    if (answer != null) {
      events.publish(
          tx,
          branch.id(),
          EventType.BRANCH_HEURISTIC,
          "applied " + answer.applied() + " against the decision " + decision + ": " + answer.getMessage());
      events.log().warn(
          "transaction {} branch {}: heuristic outcome {} (decision {}): {}",
          tx, branch.id(), answer.applied(), decision, answer.getMessage());
      return new Driven(branch, answer.applied(), answer, true);
    }
    if (result.succeeded()) {
      events.publish(
          tx,
          branch.id(),
          decision == Decision.COMMIT ? EventType.BRANCH_COMMITTED : EventType.BRANCH_ROLLED_BACK,
          "");
      return new Driven(branch, done, null, false);
    }
    events.publish(
        tx,
        branch.id(),
        EventType.BRANCH_IN_DOUBT,
        result.attempts() + " attempts failed, last: " + result.lastFailure());
    events.log().warn(
        "transaction {} branch {}: {} not acknowledged after {} attempts; in doubt, recovery will retry: {}",
        tx, branch.id(), what, result.attempts(), String.valueOf(result.lastFailure()));
    return new Driven(branch, BranchState.IN_DOUBT, result.lastFailure(), false);
  }

  /**
   * Logs every driven branch's new state, with the End record when none is left in doubt.
   * Unforced and batched when every branch simply followed the decision: a crash that loses them
   * only makes recovery send the decision again, which participants take as a no-op. Forced when
   * a branch reported a heuristic outcome, because the resource forgets it right after.
   */
  private Outcome finish(
      TransactionId tx,
      Decision decision,
      Map<BranchId, BranchState> settled,
      List<Driven> driven,
      Reason reason) {
    Map<BranchId, BranchState> states = new LinkedHashMap<>(settled);
    List<LogRecord> records = new ArrayList<>(driven.size() + 1);
    RuntimeException lastFailure = null;
    boolean heuristic = false;
    for (Driven d : driven) {
      BranchId id = d.branch().id();
      states.put(id, d.state());
      records.add(new LogRecord.BranchUpdated(tx, id, d.state()));
      if (d.failure() != null && !d.heuristic()) {
        lastFailure = d.failure();
      }
      heuristic |= d.heuristic();
    }
    boolean inDoubt = states.containsValue(BranchState.IN_DOUBT);
    if (heuristic) {
      journal.append(records, true); // durable before any resource forgets its heuristic
      records.clear();
      for (Driven d : driven) {
        if (d.heuristic()) {
          forget(tx, d.branch());
        }
      }
    }
    if (inDoubt) {
      if (!records.isEmpty()) {
        journal.append(records, false);
      }
      Outcome.InDoubt outcome = new Outcome.InDoubt(tx, states, decision, lastFailure);
      events.publish(tx, EventType.TRANSACTION_HEURISTIC, "in doubt after " + decision, kindOf(outcome));
      return outcome;
    }
    records.add(new LogRecord.End(tx));
    journal.append(records, false);
    return ended(tx, decision, states, reason, events);
  }

  /**
   * The outcome of a transaction whose every branch is final, with its closing event: {@link
   * Outcome.Mixed} when any branch applied something other than {@code decision}.
   */
  public static Outcome ended(
      TransactionId tx,
      Decision decision,
      Map<BranchId, BranchState> states,
      Reason reason,
      EventDispatcher events) {
    if (contradicts(decision, states)) {
      String detail = "heuristic: decision " + decision + ", branches " + states;
      events.log().warn("transaction {} ended mixed; needs attention: {}", tx, detail);
      Outcome.Mixed outcome = new Outcome.Mixed(tx, states, decision);
      events.publish(tx, EventType.TRANSACTION_HEURISTIC, detail, kindOf(outcome));
      return outcome;
    }
    if (decision == Decision.COMMIT) {
      events.publish(tx, EventType.TRANSACTION_COMMITTED, "");
      return new Outcome.Committed(tx, states);
    }
    Outcome.RolledBack outcome = new Outcome.RolledBack(tx, states, reason.text(), reason.branch(), reason.cause());
    events.publish(tx, EventType.TRANSACTION_ROLLED_BACK, reason.text(), kindOf(outcome));
    return outcome;
  }

  /** The failure kind an ending event carries. */
  public static @Nullable FailureKind kindOf(Outcome outcome) {
    return outcome.failureKind().orElse(null);
  }

  /** Whether some branch applied something other than {@code decision}. */
  private static boolean contradicts(Decision decision, Map<BranchId, BranchState> states) {
    BranchState other = decision == Decision.COMMIT ? BranchState.ROLLED_BACK : BranchState.COMMITTED;
    for (BranchState state : states.values()) {
      if (state.isHeuristic() || state == other) {
        return true;
      }
    }
    return false;
  }

  private void forget(TransactionId tx, Branch branch) {
    forgetHeuristic(tx, branch.id(), branch.forget(), events.log());
  }

  /**
   * Tells a resource to forget the heuristic outcome of {@code branch}, which the caller has
   * already logged durably. A failure is logged and ignored: nothing is sent to the branch again,
   * and a resource that still remembers only keeps a record an operator can clear.
   */
  public static void forgetHeuristic(
      TransactionId tx, BranchId branch, Runnable forget, Logger log) {
    try {
      forget.run();
    } catch (RuntimeException e) {
      log.warn("transaction {} branch {}: forgetting the heuristic outcome failed", tx, branch, e);
    }
  }
}
