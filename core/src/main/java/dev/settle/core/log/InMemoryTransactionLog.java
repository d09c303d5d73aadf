package dev.settle.core.log;

import dev.settle.core.log.spi.TransactionLog;
import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A log held in memory: survives a coordinator's crash inside one process (the coordinator
 * object is dropped, the log is kept), not a process crash. The default for tests, simulations
 * and examples; production wants a durable log.
 *
 * <p>Ended transactions are dropped once enough of them pile up, so memory stays bounded in long
 * runs; {@link #keepingHistory()} keeps everything, for tests that inspect the whole log.
 *
 * <p>Thread-safe: appends and compaction are serialized on the log, and a replay walks a
 * snapshot, so a slow sink holds up no append.
 */
public final class InMemoryTransactionLog implements TransactionLog {
  private static final int COMPACT_AFTER_ENDED = 64;

  private final boolean keepHistory;
  private final List<LogRecord> records = new ArrayList<>();
  private final Set<TransactionId> ended = new HashSet<>();
  private int begun;
  private boolean closed;

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
  public synchronized void append(List<LogRecord> batch, boolean force) {
    if (closed) {
      throw new TransactionLogException("in-memory log is closed", null);
    }
    for (LogRecord record : batch) {
      records.add(record);
      if (record instanceof LogRecord.Begin) {
        begun++;
      } else if (record instanceof LogRecord.End) {
        ended.add(record.transactionId());
      }
    }
    // Compact once ended transactions are at least half of those held: each compaction then
    // removes at least half of the records, so appends stay amortised O(1) and a recovery scan
    // reads mostly unfinished transactions.
    if (!keepHistory && ended.size() >= COMPACT_AFTER_ENDED && ended.size() * 2 >= begun) {
      compact();
    }
  }

  /** Drops the records of every ended transaction. */
  public synchronized void compact() {
    records.removeIf(r -> ended.contains(r.transactionId()));
    begun -= ended.size();
    ended.clear();
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    records().forEach(sink);
  }

  /** A snapshot of the records held, in append order. */
  public synchronized List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** How many records are held. */
  public synchronized int size() {
    return records.size();
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
