package dev.settle.core.internal;

import dev.settle.core.Coordinator;
import dev.settle.core.config.CoordinatorSettings;
import dev.settle.core.SettleException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * A coordinator's optional background recovery ({@code recoverEvery}): a daemon thread that waits
 * one interval with the coordinator's scheduler, runs a recovery pass, and again, until stopped.
 * Only the wait is ever interrupted, never a pass: a pass interrupted mid-call would leave the very
 * work it exists to finish.
 */
public final class RecoveryLoop {

  private final Coordinator<?> coordinator;
  private final Duration interval;
  private final CoordinatorSettings settings;
  private final Thread thread;
  private final Logger log;
  private boolean stopped;
  private boolean waiting;

  private RecoveryLoop(Coordinator<?> coordinator, CoordinatorSettings settings, Duration interval, String protocol) {
    this.coordinator = coordinator;
    this.settings = settings;
    this.interval = interval;
    this.log = ProtocolLoggers.of(protocol);
    this.thread = new Thread(this::run, "settle-" + protocol + "-recovery");
    thread.setDaemon(true);
  }

  /**
   * Starts the loop for {@code coordinator} if its settings ask for one; call it last in the
   * coordinator's construction.
   *
   * @return the running loop, or null if the settings ask for none
   */
  public static @Nullable RecoveryLoop startIfAsked(Coordinator<?> coordinator, CoordinatorSettings settings, String protocol) {
    Duration interval = settings.recoverEvery();
    if (interval == null) {
      return null;
    }
    RecoveryLoop loop = new RecoveryLoop(coordinator, settings, interval, protocol);
    loop.thread.start();
    return loop;
  }

  private void run() {
    while (true) {
      synchronized (this) {
        if (stopped) {
          return;
        }
        waiting = true;
      }
      try {
        settings.scheduler().pause(interval);
      } catch (SettleException interruptedWait) {
        // stop() interrupted the wait; the check below ends the loop
      } finally {
        synchronized (this) {
          waiting = false;
          Thread.interrupted(); // an interrupt meant for the wait must not reach the pass
        }
      }
      synchronized (this) {
        if (stopped) {
          return;
        }
      }
      try {
        int driven = coordinator.recover().size();
        if (driven > 0) {
          log.debug("background recovery drove {} transactions", driven);
        }
      } catch (RuntimeException e) {
        log.warn("a background recovery pass failed; the next one runs in {}", interval, e);
      }
    }
  }

  /**
   * Stops the loop: no pass starts after this; a pass already running is waited for (up to ten
   * seconds, then left to finish on its own).
   */
  public void stop() {
    synchronized (this) {
      stopped = true;
      if (waiting) {
        thread.interrupt();
      }
    }
    if (Thread.currentThread() == thread) {
      return; // close() called from a pass
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
