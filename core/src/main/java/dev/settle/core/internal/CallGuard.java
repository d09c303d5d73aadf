package dev.settle.core.internal;

import dev.settle.core.internal.check.Assert;
import dev.settle.core.BranchId;
import dev.settle.core.config.CoordinatorSettings;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one participant call under the coordinator's call timeout, so that no phase-two call or
 * saga action can hold {@code execute} forever. The call runs on the injected executor and the
 * caller waits at most the timeout; a call that answers later than that by the injected clock
 * counts as timed out too, which is how a simulation on a direct executor and virtual time sees
 * slow participants. A timed-out call's outcome is unknown: it may still take effect, so callers
 * treat it like {@link ParticipantTimeoutException} (retry, then in doubt; compensate a saga step).
 */
public final class CallGuard {
  /**
   * The thread waiting for a call was interrupted. The call's outcome is unknown; the interrupt
   * flag is set again, and callers stop retrying at once so the interrupted thread gets control
   * back (recovery finishes the branch).
   */
  public static final class Interrupted extends ParticipantTimeoutException {
    private static final long serialVersionUID = 1L;

    Interrupted(TransactionId tx, BranchId branch, String what) {
      super(tx, branch, "interrupted while waiting for " + what + "; outcome unknown");
    }
  }

  private final Executor executor;
  private final Clock clock;
  private final Duration timeout;

  public CallGuard(Executor executor, Clock clock, Duration timeout) {
    this.executor = Assert.notNull(executor, "executor");
    this.clock = Assert.notNull(clock, "clock");
    this.timeout = Assert.positive(timeout, "timeout");
  }

  /** A guard with the executor, clock and call timeout of {@code settings}. */
  public static CallGuard of(CoordinatorSettings settings) {
    return new CallGuard(settings.executor(), settings.clock(), settings.callTimeout());
  }

  /** The timeout each call gets. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code call} for branch {@code branch}; returns when it returned in time, rethrows what it
   * threw, and throws {@link ParticipantTimeoutException} when it did not answer in time.
   *
   * @param what names the call in messages ("commit", "compensation")
   */
  public void run(TransactionId tx, BranchId branch, String what, Runnable call) {
    long start = clock.millis();
    Map<String, String> caller = MdcScope.callerContext();
    CompletableFuture<Void> running =
        CompletableFuture.runAsync(
            () -> {
              try (MdcScope mdc = MdcScope.onWorker(tx, caller)) {
                call.run();
              }
            },
            executor);
    try {
      running.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ParticipantTimeoutException(
          tx, branch, what + " did not answer within " + timeout + "; outcome unknown");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted(tx, branch, what);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(what + " failed", cause);
    }
    if (clock.millis() - start > timeout.toMillis()) {
      throw new ParticipantTimeoutException(
          tx, branch, what + " answered after its timeout of " + timeout + "; outcome unknown");
    }
  }
}
