package dev.settle.jdbc.internal;

import dev.settle.core.TransactionLogException;
import dev.settle.core.log.LogRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the shared log: appends from many threads share one database transaction.
 * The first waiting appender leads: it takes every queued append (up to the group limit), writes
 * them in one transaction on the log's writer connection and wakes the others, while new appends
 * queue up for the next group. Under load each commit carries many appends, so throughput grows
 * with concurrency instead of being one commit per append.
 *
 * <p>Every append, forced or not, returns only once its group committed: the ownership check is
 * part of the write, and its answer (an {@link dev.settle.core.OwnershipLostException}) must
 * reach the thread that asked, before that thread reports any outcome.
 */
public final class Writer {
  private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

  private final LogConfig config;
  private final Sql sql;
  private final Node node;
  private final GroupWrite groupWrite;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean leading;
  private boolean closed;
  /** Used by the leader only, so never by two threads at once. */
  private @Nullable Connection connection;
  private long groups;
  private long appends;

  /** A writer for {@code node}'s appends. */
  public Writer(LogConfig config, Sql sql, Node node) {
    this.config = config;
    this.sql = sql;
    this.node = node;
    this.groupWrite = new GroupWrite(config, sql, node);
  }

  /**
   * Stores {@code records} in the group now forming and returns once it committed.
   *
   * @throws TransactionLogException if it was refused or could not be stored; nothing of it was
   *     stored then, except when the commit itself failed (the message says so)
   */
  public void append(List<LogRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<Step> steps = Step.of(records);
    node.checkNotSuperseded();
    Pending mine = new Pending(steps);
    boolean interrupted = false;
    synchronized (lock) {
      if (closed) {
        throw closedException();
      }
      queue.add(mine);
    }
    while (true) {
      List<Pending> group;
      synchronized (lock) {
        while (!mine.done && leading) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // The append may already be in a group being written: waiting on is the only way to
            // learn its fate. The interrupt is kept for the caller.
            interrupted = true;
          }
        }
        if (mine.done) {
          break;
        }
        leading = true;
        group = drain();
      }
      // Some drivers abort I/O on an interrupted thread; the leader writes for every follower,
      // so it writes with the flag cleared and hands it back to its caller afterwards.
      interrupted |= Thread.interrupted();
      try {
        write(group);
      } finally {
        synchronized (lock) {
          leading = false;
          for (Pending p : group) {
            p.done = true;
          }
          lock.notifyAll();
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    RuntimeException failure = mine.failure;
    if (failure != null) {
      throw failure;
    }
  }

  private List<Pending> drain() {
    List<Pending> group = new ArrayList<>(Math.min(queue.size(), config.maxGroup()));
    while (!queue.isEmpty() && group.size() < config.maxGroup()) {
      group.add(queue.poll());
    }
    return group;
  }

  /** Writes one group; a connection that failed before the commit is replaced once. */
  private void write(List<Pending> group) {
    for (int attempt = 1; ; attempt++) {
      GroupWrite.Result result;
      try {
        result = groupWrite.write(connection(), group);
      } catch (SQLException e) {
        closeConnection();
        if (attempt == 1) {
          LOG.debug("shared log connection failed before commit, retrying on a new one", e);
          continue; // nothing was committed: the whole group may be written again
        }
        failAll(group, "cannot write to the shared log: " + e.getMessage(), e);
        return;
      } catch (RuntimeException e) {
        closeConnection();
        failAll(group, "cannot write to the shared log: " + e, e);
        return;
      } catch (Error e) {
        closeConnection();
        failAll(group, "cannot write to the shared log: " + e, e);
        throw e;
      }
      if (result == GroupWrite.Result.COMMIT_FAILED) {
        closeConnection();
        groupWrite.explainFailedCommit(group);
      } else {
        synchronized (lock) {
          groups++;
          appends += group.size();
        }
      }
      return;
    }
  }

  private static void failAll(List<Pending> group, String message, Throwable cause) {
    for (Pending p : group) {
      if (p.failure == null) {
        p.failure = new TransactionLogException(message, cause);
      }
    }
  }

  private Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null) {
      c = sql.openForLockingWrites(config.dataSource(), config.lease());
      connection = c;
    }
    return c;
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      sql.closeLockingWrites(c); // a new one is opened for the next group
    }
  }

  /** Database transactions committed so far, and appends they carried: {@code [groups, appends]}. */
  public long[] stats() {
    synchronized (lock) {
      return new long[] {groups, appends};
    }
  }

  /** Refuses new appends, waits for the group being written, fails queued ones, closes. */
  public void close() {
    synchronized (lock) {
      closed = true;
      boolean interrupted = false;
      while (leading) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      for (Pending p : queue) {
        p.failure = closedException();
        p.done = true;
      }
      queue.clear();
      lock.notifyAll();
      closeConnection();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private TransactionLogException closedException() {
    return new TransactionLogException(
        "the shared log of node " + config.node() + " is closed", null);
  }

  /** One append waiting for its group. Fields are guarded by the writer's lock. */
  static final class Pending {
    final List<Step> steps;
    boolean done;
    /** Set when the group's commit failed: these records may or may not be stored. */
    boolean commitUnknown;
    @Nullable RuntimeException failure;

    Pending(List<Step> steps) {
      this.steps = steps;
    }
  }
}
