package dev.settle.core.log;

import dev.settle.core.log.spi.TransactionLog;
import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

/**
 * A log held in memory: survives a coordinator's crash inside one process (the coordinator
 * object is dropped, the log is kept), not a process crash. The default for tests, simulations
 * and examples; production wants a durable log.
 *
 * <p>Ended transactions are dropped once enough of them pile up, so memory stays bounded in long
 * runs; {@link #keepingHistory()} keeps everything, for tests that inspect the whole log.
 *
 * <p>Thread-safe, with no lock that appends wait for each other on: each transaction's records are
 * kept apart, guarded by that transaction alone, and numbered from one counter so that a replay
 * can put every record back in append order. Appends share a read lock that only a snapshot takes
 * exclusively, so a snapshot holds every append that returned before it and no part of one still
 * under way: never record N+1 without record N, never half a batch. A replay walks a snapshot, so
 * a slow sink holds up no append.
 */
public final class InMemoryTransactionLog implements TransactionLog {
  private static final int COMPACT_AFTER_ENDED = 64;

  private final boolean keepHistory;
  /** Each transaction's records, guarded by their list. */
  private final ConcurrentHashMap<TransactionId, List<Numbered>> held = new ConcurrentHashMap<>();
  private final AtomicLong appended = new AtomicLong();
  /** Ended transactions not yet dropped, oldest first, and how many. */
  private final Queue<TransactionId> ended = new ConcurrentLinkedQueue<>();
  private final AtomicInteger endedCount = new AtomicInteger();
  /** One compaction at a time; others skip theirs rather than wait. */
  private final AtomicBoolean compacting = new AtomicBoolean();
  /** Shared by appends, taken alone by snapshots and {@link #close}. */
  private final StampedLock snapshot = new StampedLock();
  private volatile boolean closed;

  private InMemoryTransactionLog(boolean keepHistory) {
    this.keepHistory = keepHistory;
  }

  /** A log that drops ended transactions from time to time. */
  public InMemoryTransactionLog() {
    this(false);
  }

  /** A log that keeps every record ever appended. */
  public static InMemoryTransactionLog keepingHistory() {
    return new InMemoryTransactionLog(true);
  }

  @Override
  public void append(List<LogRecord> batch, boolean force) {
    long stamp = snapshot.readLock();
    try {
      if (closed) {
        throw new TransactionLogException("in-memory log is closed", null);
      }
      // One block of numbers for the whole batch, and one lookup per run of records of the same
      // transaction (a coordinator's batch is all one transaction).
      if (batch.isEmpty()) {
        return;
      }
      long number = appended.getAndAdd(batch.size());
      TransactionId tx = batch.get(0).transactionId();
      List<Numbered> records = held.computeIfAbsent(tx, t -> new ArrayList<>(4));
      for (LogRecord record : batch) {
        if (!record.transactionId().equals(tx)) {
          tx = record.transactionId();
          records = held.computeIfAbsent(tx, t -> new ArrayList<>(4));
        }
        synchronized (records) {
          records.add(new Numbered(++number, record));
        }
        if (record instanceof LogRecord.End) {
          ended.add(tx);
          endedCount.incrementAndGet();
        }
      }
      // Compact once ended transactions are at least half of those held: each compaction then
      // removes at least half of them, so appends stay amortised O(1) and a recovery scan reads
      // mostly unfinished transactions.
      int endedNow = endedCount.get();
      if (!keepHistory && endedNow >= COMPACT_AFTER_ENDED && endedNow * 2 >= held.size()) {
        compactIfNoneRunning();
      }
    } finally {
      snapshot.unlockRead(stamp);
    }
  }

  /** Drops the records of every ended transaction. */
  public void compact() {
    while (!compactIfNoneRunning()) {
      Thread.onSpinWait(); // another compaction is running; this one must still happen
    }
  }

  private boolean compactIfNoneRunning() {
    if (!compacting.compareAndSet(false, true)) {
      return false;
    }
    try {
      TransactionId tx;
      while ((tx = ended.poll()) != null) {
        endedCount.decrementAndGet();
        held.remove(tx);
      }
      return true;
    } finally {
      compacting.set(false);
    }
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    records().forEach(sink);
  }

  /** A snapshot of the records held, in append order. */
  public List<LogRecord> records() {
    long stamp = snapshot.writeLock();
    try {
      return snapshotInOrder();
    } finally {
      snapshot.unlockWrite(stamp);
    }
  }

  private List<LogRecord> snapshotInOrder() {
    List<Numbered> all = new ArrayList<>();
    for (List<Numbered> records : held.values()) {
      synchronized (records) {
        all.addAll(records);
      }
    }
    all.sort(Comparator.comparingLong(Numbered::number));
    List<LogRecord> inOrder = new ArrayList<>(all.size());
    for (Numbered n : all) {
      inOrder.add(n.record());
    }
    return Collections.unmodifiableList(inOrder);
  }

  /** How many records are held. */
  public int size() {
    long stamp = snapshot.writeLock();
    try {
      int n = 0;
      for (List<Numbered> records : held.values()) {
        synchronized (records) {
          n += records.size();
        }
      }
      return n;
    } finally {
      snapshot.unlockWrite(stamp);
    }
  }

  /** Refuses further appends, once the appends under way have stored their records. */
  @Override
  public void close() {
    long stamp = snapshot.writeLock();
    try {
      closed = true;
    } finally {
      snapshot.unlockWrite(stamp);
    }
  }

  /** A record and its number in the log's append order. */
  private record Numbered(long number, LogRecord record) {}
}
