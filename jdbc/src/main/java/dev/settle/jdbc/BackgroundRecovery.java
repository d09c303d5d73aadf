package dev.settle.jdbc;

import dev.settle.core.OwnershipLostException;
import dev.settle.core.Coordinator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Coordinator#recover()} on a schedule, so that a node finishes its own unfinished
 * transactions and takes over those of dead nodes without anyone calling recover: with the shared
 * log, a dead node's transactions are finished within its lease plus one interval. A failing pass
 * (the database unreachable, a transaction taken over meanwhile) is logged and the next one runs
 * as planned.
 *
 * <pre>{@code
 * BackgroundRecovery recovery = BackgroundRecovery.every(Duration.ofSeconds(5), tcc, sagas);
 * ...
 * recovery.close(); // before closing the log
 * }</pre>
 */
public final class BackgroundRecovery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundRecovery.class);

  private final ScheduledExecutorService thread;
  private final List<Coordinator<?>> coordinators;

  private BackgroundRecovery(Duration interval, List<Coordinator<?>> coordinators) {
    this.coordinators = coordinators;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "settle-background-recovery");
              t.setDaemon(true);
              return t;
            });
    long every = interval.toMillis();
    thread.scheduleWithFixedDelay(this::pass, 0, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts recovering {@code coordinators} now and then every {@code interval}, one pass at a
   * time on a daemon thread of its own.
   *
   * @throws IllegalArgumentException if {@code interval} is under 10 ms or no coordinator is given
   */
  public static BackgroundRecovery every(Duration interval, Coordinator<?>... coordinators) {
    if (interval == null || interval.toMillis() < 10) {
      throw new IllegalArgumentException("interval must be at least 10 ms, was " + interval);
    }
    if (coordinators == null || coordinators.length == 0) {
      throw new IllegalArgumentException("give at least one coordinator to recover");
    }
    return new BackgroundRecovery(interval, List.of(coordinators));
  }

  private void pass() {
    for (Coordinator<?> coordinator : coordinators) {
      try {
        int finished = coordinator.recover().size();
        if (finished > 0) {
          LOG.info("background recovery finished {} transactions of {}", finished, coordinator);
        }
      } catch (OwnershipLostException e) {
        LOG.warn("background recovery stopped a pass of {}: {}", coordinator, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("background recovery of {} failed; the next pass tries again", coordinator, e);
      }
    }
  }

  /** Stops the schedule, letting a running pass finish (waits up to ten seconds for it). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
