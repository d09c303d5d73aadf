package dev.settle.tcc.internal;

import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.internal.EventDispatcher;
import dev.settle.core.internal.MdcScope;
import dev.settle.tcc.TccBranch;
import dev.settle.tcc.TccContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Phase one of TCC: every Try at once on the injected executor, each bounded by the Try timeout
 * and the transaction's deadline. Time is judged twice, by the wait and by the injected clock
 * after the call, so a simulation whose participants advance virtual time sees timeouts too.
 */
final class TryRound {
  /**
   * How the round went.
   *
   * @param allSucceeded whether every Try succeeded in time
   * @param reason the first failure, for the rollback reason; empty when all succeeded
   */
  record Result(boolean allSucceeded, String reason) {}

  private final Executor executor;
  private final Clock clock;
  private final EventDispatcher events;

  TryRound(Executor executor, Clock clock, EventDispatcher events) {
    this.executor = executor;
    this.clock = clock;
    this.events = events;
  }

  Result run(TransactionId tx, List<TccBranch> branches, Instant deadline, Duration tryTimeout) {
    long started = clock.millis();
    List<CompletableFuture<Void>> calls = new ArrayList<>(branches.size());
    for (TccBranch branch : branches) {
      TccContext context = new TccContext(tx, branch.id(), branch.payload(), 1, deadline);
      events.publish(tx, branch.id(), EventType.BRANCH_PREPARING, "try");
      calls.add(
          CompletableFuture.runAsync(
              () -> {
                try (MdcScope mdc = MdcScope.open(tx)) {
                  branch.participant().tryReserve(context);
                }
              },
              executor));
    }
    String firstFailure = "";
    for (int i = 0; i < branches.size(); i++) {
      TccBranch branch = branches.get(i);
      String failure = await(calls.get(i), started, deadline, tryTimeout);
      if (failure.isEmpty()) {
        events.publish(tx, branch.id(), EventType.BRANCH_PREPARED, "tried");
      } else {
        events.publish(tx, branch.id(), EventType.BRANCH_FAILED, failure);
        if (firstFailure.isEmpty()) {
          firstFailure = "branch " + branch.id() + ": " + failure;
        }
      }
    }
    return new Result(firstFailure.isEmpty(), firstFailure);
  }

  /** Waits for one Try; returns empty on success, else why it counts as failed. */
  private String await(
      CompletableFuture<Void> call, long started, Instant deadline, Duration tryTimeout) {
    long limit = Math.min(started + tryTimeout.toMillis(), deadline.toEpochMilli());
    try {
      call.get(Math.max(0, limit - clock.millis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return "try timed out after " + tryTimeout + "; outcome unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while waiting for the try";
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      return "try failed: " + cause;
    }
    if (clock.millis() > limit) {
      return "try answered after its timeout of " + tryTimeout + "; outcome unknown";
    }
    return "";
  }
}
