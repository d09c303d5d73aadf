package dev.settle.core.internal;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Phase one of 2PC and TCC: one call per branch, all at once on the injected executor, each
 * bounded by a per-call timeout and an overall deadline. Time is judged twice, by the wait and by
 * the injected clock after the call returns, so a simulation whose participants advance virtual
 * time sees timeouts too.
 */
public final class ParallelRound {
  /**
   * One branch's call.
   *
   * @param id the branch
   * @param call what to run; its result is the branch's answer (a vote), or null for none
   */
  public record Call<V>(BranchId id, Callable<V> call) {}

  /**
   * One branch's answer.
   *
   * @param id the branch
   * @param value what the call returned, when it succeeded in time
   * @param failure why it counts as failed (empty when it succeeded)
   * @param error what the call threw, or a {@link ParticipantTimeoutException} for an answer that
   *     did not come in time; null when it succeeded
   * @param unknown whether the failure leaves the outcome unknown (a timeout): the call may
   *     still take effect
   */
  public record Answer<V>(
      BranchId id, @Nullable V value, String failure, @Nullable Throwable error, boolean unknown) {
    /** Whether the call returned normally in time. */
    public boolean succeeded() {
      return failure.isEmpty();
    }
  }

  private final Executor executor;
  private final Clock clock;
  private final EventDispatcher events;

  public ParallelRound(Executor executor, Clock clock, EventDispatcher events) {
    this.executor = executor;
    this.clock = clock;
    this.events = events;
  }

  /**
   * Runs every call and waits for each within {@code timeout} of the round's start and before
   * {@code deadlineMillis}. Publishes {@code BRANCH_PREPARING} and then {@code BRANCH_PREPARED} or
   * {@code BRANCH_FAILED} per branch; an {@link Error} thrown by a call is rethrown.
   */
  public <V> List<Answer<V>> run(
      TransactionId tx, List<Call<V>> calls, Duration timeout, long deadlineMillis, String phase) {
    long started = clock.millis();
    long limit = Math.min(started + timeout.toMillis(), deadlineMillis);
    List<CompletableFuture<V>> running = new ArrayList<>(calls.size());
    Map<String, String> caller = MdcScope.callerContext();
    for (Call<V> call : calls) {
      events.publish(tx, call.id(), EventType.BRANCH_PREPARING, phase);
      running.add(
          CompletableFuture.supplyAsync(
              () -> {
                try (MdcScope mdc = MdcScope.onWorker(tx, caller)) {
                  return call.call().call();
                } catch (RuntimeException | Error e) {
                  throw e;
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              },
              executor));
    }
    List<Answer<V>> answers = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      BranchId id = calls.get(i).id();
      Answer<V> answer = await(tx, id, running.get(i), limit, timeout, phase);
      answers.add(answer);
      if (answer.succeeded()) {
        if (events.listened()) {
          events.publish(
              tx, id, EventType.BRANCH_PREPARED, phase + (answer.value() == null ? " ok" : " " + answer.value()));
        }
      } else {
        events.publish(tx, id, EventType.BRANCH_FAILED, answer.failure());
      }
    }
    return answers;
  }

  private <V> Answer<V> await(
      TransactionId tx, BranchId id, CompletableFuture<V> call, long limit, Duration timeout, String phase) {
    V value;
    try {
      value = call.get(Math.max(0, limit - clock.millis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      String why = phase + " timed out after " + timeout + "; outcome unknown";
      return new Answer<>(id, null, why, new ParticipantTimeoutException(tx, id, why), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      String why = "interrupted while waiting for " + phase;
      return new Answer<>(id, null, why, new ParticipantTimeoutException(tx, id, why), true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
          ? c.getCause()
          : e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      boolean unknown = cause instanceof ParticipantTimeoutException;
      return new Answer<>(id, null, phase + " failed: " + cause, cause, unknown);
    }
    if (clock.millis() > limit) {
      String why = phase + " answered after its timeout of " + timeout + "; outcome unknown";
      return new Answer<>(id, null, why, new ParticipantTimeoutException(tx, id, why), true);
    }
    return new Answer<>(id, value, "", null, false);
  }
}
