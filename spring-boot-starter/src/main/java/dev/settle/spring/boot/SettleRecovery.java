package dev.settle.spring.boot;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Drives every coordinator's unfinished transactions to their end: once when the application
 * starts, then every {@code settle.recovery.interval} on a daemon thread of its own. It starts in
 * an earlier lifecycle phase than the web server ({@link #PHASE}), so start-up recovery has
 * released what a crash left reserved before the server accepts a request, and it stops after the
 * server, once requests have drained. The coordinators and the log are closed after it, as beans,
 * which releases the JDBC log's lease so that peers take over at once.
 *
 * <p>A pass that fails for a coordinator (the database is down, say; a participant throws an
 * {@link Error}) is logged, shown by the health indicator, and tried again at the next interval:
 * nothing but a {@link VirtualMachineError} stops the schedule.
 *
 * <p><b>Thread safety.</b> Thread-safe; passes never overlap.
 */
public final class SettleRecovery implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(SettleRecovery.class);

  /**
   * The lifecycle phase: before Spring Boot's web server (which starts at {@code DEFAULT_PHASE -
   * 1024}), so start-up recovery finishes before the first request, and the schedule stops after
   * the server has.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  private final List<Coordinator<?>> coordinators;
  private final boolean onStartup;
  private final Duration interval;
  private final Clock clock;
  /** Serialises passes; not the lifecycle's monitor, so stopping never waits on a pass for it. */
  private final Object passes = new Object();
  private @Nullable ScheduledExecutorService schedule;
  private volatile boolean running;
  private volatile @Nullable Instant lastPass;
  private volatile int lastUnfinished;
  private volatile @Nullable String lastFailure;

  /**
   * Recovers {@code coordinators} at start-up if {@code onStartup}, then every {@code interval}
   * (zero: never again).
   */
  public SettleRecovery(List<Coordinator<?>> coordinators, boolean onStartup, Duration interval, Clock clock) {
    this.coordinators = List.copyOf(coordinators);
    this.onStartup = onStartup;
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    if (onStartup) {
      recoverNow();
    }
    if (!interval.isZero()) {
      ScheduledExecutorService s =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "settle-recovery");
                t.setDaemon(true);
                return t;
              });
      long millis = interval.toMillis();
      s.scheduleWithFixedDelay(this::recoverNow, millis, millis, TimeUnit.MILLISECONDS);
      schedule = s;
    }
    running = true;
  }

  /**
   * Runs one recovery pass over every coordinator now and returns what it finished or left in
   * doubt. A coordinator whose pass fails is logged and skipped.
   */
  public List<Outcome> recoverNow() {
    synchronized (passes) {
      List<Outcome> all = new ArrayList<>();
      @Nullable String failure = null;
      for (Coordinator<?> coordinator : coordinators) {
        try {
          all.addAll(coordinator.recover());
        } catch (VirtualMachineError e) {
          if (!(e instanceof StackOverflowError)) {
            throw e; // the JVM is in trouble; nothing here can help
          }
          failure = failed(coordinator, e);
        } catch (RuntimeException | Error e) {
          // An Error too: one participant's AssertionError or LinkageError must not end the
          // schedule (an exception out of a scheduled task cancels it without a word).
          failure = failed(coordinator, e);
        }
      }
      lastPass = clock.instant();
      lastFailure = failure;
      lastUnfinished = (int) all.stream().filter(o -> o instanceof Outcome.InDoubt).count();
      return all;
    }
  }

  private static String failed(Coordinator<?> coordinator, Throwable e) {
    LOG.warn("settle recovery pass failed for {}; retrying at the next interval", coordinator, e);
    return coordinator + ": " + e;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public synchronized void stop() {
    ScheduledExecutorService s = schedule;
    if (s != null) {
      s.shutdownNow();
      try {
        if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("settle recovery pass still running at shutdown; the log closes under it");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      schedule = null;
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** When the last pass ended, or null before the first. */
  public @Nullable Instant lastPass() {
    return lastPass;
  }

  /** Why the last pass failed for some coordinator, or null if it succeeded for every one. */
  public @Nullable String lastFailure() {
    return lastFailure;
  }

  /** How many transactions the last pass left in doubt. */
  public int lastPassInDoubt() {
    return lastUnfinished;
  }
}
