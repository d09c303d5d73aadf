package dev.settle.jdbc.internal;

import dev.settle.core.TransactionLogException;
import dev.settle.core.OwnershipLostException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the node's lease every heartbeat interval and cleans up history, a few bounded batches per beat. A
 * failed renewal is logged and tried again at the next beat; if the lease runs out meanwhile,
 * peers take over this node's transactions and its later writes for them are refused, which is
 * safe. A renewal that finds the node superseded stops the heartbeat for good.
 */
public final class Heartbeat {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  /** Enough for a busy log (500 per batch, every 10 s: 1,000 ended transactions a second). */
  private static final int PURGE_BATCHES_PER_BEAT = 20;

  /** How long {@link #stop} waits for a beat under way before it gives up waiting. */
  static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final Node node;
  private final History history;
  private final @Nullable ScheduledExecutorService own;
  private final ScheduledFuture<?> beat;
  /** Held by a beat under way, so that {@link #stop} can wait for it. */
  private final ReentrantLock beating = new ReentrantLock();
  private volatile boolean stopped;

  /** Starts beating on the configured scheduler, or on a daemon thread of its own. */
  public Heartbeat(LogConfig config, Node node, History history) {
    this.node = node;
    this.history = history;
    ScheduledExecutorService given = config.scheduler();
    ScheduledExecutorService runner;
    if (given != null) {
      runner = given;
      this.own = null;
    } else {
      runner =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "settle-jdbc-heartbeat-" + config.node());
                t.setDaemon(true);
                return t;
              });
      this.own = runner;
    }
    long every = config.heartbeat().toMillis();
    this.beat = runner.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    beating.lock();
    try {
      if (!stopped) {
        beatOnce();
      }
    } finally {
      beating.unlock();
    }
  }

  private void beatOnce() {
    try {
      node.renewNow();
    } catch (OwnershipLostException e) {
      beat.cancel(false); // superseded: Node logged it; nothing of this instance may renew again
      return;
    } catch (TransactionLogException e) {
      LOG.warn(
          "log node {} could not renew its lease; trying again at the next beat. If the lease runs"
              + " out first, peers take over its transactions: {}",
          node.name(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.warn("log node {}: heartbeat failed", node.name(), e);
      return;
    }
    try {
      history.purge(PURGE_BATCHES_PER_BEAT);
    } catch (RuntimeException e) {
      LOG.warn("log node {} could not clean up history: {}", node.name(), e.getMessage());
    }
  }

  /**
   * Stops beating, waiting (up to {@link #STOP_WAIT}) for a beat under way: a renewal that landed
   * after the log released its lease would make peers wait a whole lease for a node that is gone.
   * Shuts down the log's own thread, never an injected scheduler.
   */
  public void stop() {
    stopped = true;
    beat.cancel(false);
    boolean interrupted = false;
    try {
      if (beating.tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        beating.unlock();
      } else {
        LOG.warn("log node {}: a heartbeat still under way after {}; closing without waiting for it",
            node.name(), STOP_WAIT);
      }
    } catch (InterruptedException e) {
      interrupted = true; // close goes on; the caller keeps its interrupt
    }
    if (own != null) {
      own.shutdownNow();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
