package dev.settle.jdbc.internal;

import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogRecord;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the shared log: appends from many threads share one database transaction, and
 * several such groups are written at once, each on its own writer connection ({@code
 * writerConnections}). An appender that finds a connection free leads: it takes every queued
 * append (up to the group limit), writes them in one transaction on that connection and wakes
 * their callers, while new appends queue up for the next group, which the next free connection
 * takes. Under load each commit carries many appends and several commits overlap, so throughput
 * grows with concurrency instead of being one commit per append, or one commit at a time.
 *
 * <p>Groups in flight at once never disturb each other's record numbering: a caller makes its
 * transaction's appends one after another, and should two groups touch the same transaction row
 * anyway, the fenced update that opens each append locks that row until its group commits, so the
 * later group numbers its records from the committed count (see {@link Sql#touch}).
 *
 * <p>Every append, forced or not, returns only once its group committed: the ownership check is
 * part of the write, and its answer (an {@link dev.settle.core.OwnershipLostException}) must
 * reach the thread that asked, before that thread reports any outcome.
 */
public final class Writer {
  private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

  private final LogConfig config;
  private final Node node;
  private final GroupWrite groupWrite;
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when the last group being written is done; {@link #close} waits for it. */
  private final Condition quiet = lock.newCondition();
  /** Appends not yet taken into a group, oldest first. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Writer connections no group is using; the most recently used first. */
  private final ArrayDeque<WriteSession> idle = new ArrayDeque<>();
  private final List<WriteSession> sessions = new ArrayList<>();
  private int writing;
  private int mostWriting;
  private boolean closed;
  private long groups;
  private long appends;

  /** A writer for {@code node}'s appends, on up to {@code config.writerConnections()} connections. */
  public Writer(LogConfig config, Sql sql, Node node) {
    this.config = config;
    this.node = node;
    this.groupWrite = new GroupWrite(config, sql, node);
    for (int i = 0; i < config.writerConnections(); i++) {
      WriteSession session = new WriteSession(config, sql);
      sessions.add(session);
      idle.add(session);
    }
  }

  /**
   * Stores {@code records} in the next group and returns once that group committed.
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
    boolean interrupted = false;
    Pending mine;
    lock.lock();
    try {
      if (closed) {
        throw closedException();
      }
      mine = new Pending(steps, lock.newCondition());
      queue.add(mine);
    } finally {
      lock.unlock();
    }
    while (true) {
      List<Pending> group;
      WriteSession session;
      lock.lock();
      try {
        // Lead when a connection is free and this append is still queued; else wait until its
        // group is done, or until a connection frees up while it is still queued.
        while (!mine.done && (mine.taken || idle.isEmpty() || closed)) {
          try {
            mine.wake.await();
          } catch (InterruptedException e) {
            // The append may already be in a group being written: waiting on is the only way to
            // learn its fate. The interrupt is kept for the caller.
            interrupted = true;
          }
        }
        if (mine.done) {
          break;
        }
        session = idle.pop();
        group = drain();
        mine.callerLeading = !mine.taken; // the queue was longer than a group: mine waits
        writing++;
        mostWriting = Math.max(mostWriting, writing);
        wakeNextLeader();
      } finally {
        lock.unlock();
      }
      // Some drivers abort I/O on an interrupted thread; the leader writes for every follower,
      // so it writes with the flag cleared and hands it back to its caller afterwards.
      interrupted |= Thread.interrupted();
      try {
        write(session, group);
      } finally {
        lock.lock();
        try {
          mine.callerLeading = false;
          writing--;
          idle.push(session);
          for (Pending p : group) {
            p.done = true;
            p.wake.signal();
          }
          wakeNextLeader();
          if (writing == 0) {
            quiet.signalAll();
          }
        } finally {
          lock.unlock();
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

  /** Takes the oldest queued appends, up to the group limit. Called with the lock held. */
  private List<Pending> drain() {
    List<Pending> group = new ArrayList<>(Math.min(queue.size(), config.maxGroup()));
    while (!queue.isEmpty() && group.size() < config.maxGroup()) {
      Pending p = queue.poll();
      p.taken = true;
      group.add(p);
    }
    return group;
  }

  /**
   * Wakes the caller of the oldest queued append that is not busy leading a group already, if a
   * connection is free, so that it leads the next group. Called with the lock held.
   */
  private void wakeNextLeader() {
    if (idle.isEmpty() || closed) {
      return;
    }
    for (Pending next : queue) {
      if (!next.callerLeading) {
        next.wake.signal();
        return;
      }
    }
  }

  /** Writes one group; a connection that failed before the commit is replaced once. */
  private void write(WriteSession session, List<Pending> group) {
    for (int attempt = 1; ; attempt++) {
      GroupWrite.Result result;
      try {
        result = groupWrite.write(session, group);
      } catch (SQLException e) {
        session.close();
        if (attempt == 1) {
          LOG.debug("shared log connection failed before commit, retrying on a new one", e);
          continue; // nothing was committed: the whole group may be written again
        }
        failAll(group, "cannot write to the shared log: " + e.getMessage(), e);
        return;
      } catch (RuntimeException e) {
        session.close();
        failAll(group, "cannot write to the shared log: " + e, e);
        return;
      } catch (Error e) {
        session.close();
        failAll(group, "cannot write to the shared log: " + e, e);
        throw e;
      }
      if (result == GroupWrite.Result.COMMIT_FAILED) {
        session.close();
        groupWrite.explainFailedCommit(group);
      } else {
        lock.lock();
        try {
          groups++;
          appends += group.size();
        } finally {
          lock.unlock();
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

  /** Database transactions committed so far, and appends they carried: {@code [groups, appends]}. */
  public long[] stats() {
    lock.lock();
    try {
      return new long[] {groups, appends};
    } finally {
      lock.unlock();
    }
  }

  /** The most groups that were being written at once so far (at most {@code writerConnections}). */
  public int mostGroupsInFlight() {
    lock.lock();
    try {
      return mostWriting;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new appends, waits for the groups being written, fails queued ones, closes. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      boolean interrupted = false;
      while (writing > 0) {
        try {
          quiet.await();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      for (Pending p : queue) {
        p.failure = closedException();
        p.done = true;
        p.wake.signal();
      }
      queue.clear();
      for (WriteSession session : sessions) {
        session.close();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  private TransactionLogException closedException() {
    return new TransactionLogException(
        "the shared log of node " + config.node() + " is closed", null);
  }

  /**
   * One append waiting for its group. Fields are guarded by the writer's lock, except those the
   * group's leader sets while it writes ({@code failure}, {@code commitUnknown}): their caller
   * reads them only after the leader marked the append done under the lock.
   */
  static final class Pending {
    final List<Step> steps;
    /** Signalled when the append is done, or when its caller may lead the next group. */
    final Condition wake;
    /** Taken into a group being written. */
    boolean taken;
    /** Its caller is writing a group this append was not taken into (the group limit was hit). */
    boolean callerLeading;
    boolean done;
    /** Set when the group's commit failed: these records may or may not be stored. */
    boolean commitUnknown;
    @Nullable RuntimeException failure;

    Pending(List<Step> steps, Condition wake) {
      this.steps = steps;
      this.wake = wake;
    }
  }
}
