package dev.settle.testkit;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Wraps a log and watches the one-decision invariant: no transaction is ever given two different
 * decisions, nor ended twice, by any coordinator on the log. Notes each contradiction; the records
 * are stored all the same, as the wrapped log would.
 */
final class DecisionWatch implements TransactionLog {
  private final TransactionLog log;
  private final Map<TransactionId, Decision> decided = new HashMap<>();
  private final java.util.Set<TransactionId> ended = new java.util.HashSet<>();
  private final List<String> contradictions = new ArrayList<>();

  DecisionWatch(TransactionLog log) {
    this.log = log;
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    log.append(records, force);
    synchronized (this) {
      records.forEach(r -> watch(r, ""));
    }
  }

  private void watch(LogRecord record, String where) {
    if (record instanceof LogRecord.Decided d) {
      Decision before = decided.putIfAbsent(d.transactionId(), d.decision());
      if (before != null && before != d.decision()) {
        contradictions.add(d.transactionId() + ": " + before + " then " + d.decision() + where);
      }
    } else if (record instanceof LogRecord.End e && !ended.add(e.transactionId())) {
      contradictions.add(e.transactionId() + ": ended twice" + where);
    }
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    log.replay(sink);
  }

  @Override
  public void close() {
    log.close();
  }

  /**
   * Forgets the decisions seen and reads them again from the log, after a restart on a log that
   * may have kept less, or more, than the appends that returned.
   */
  synchronized void rebuild() {
    decided.clear();
    ended.clear();
    log.replay(r -> watch(r, " (in the reopened log)"));
  }

  /** Fails when a transaction was given two different decisions. */
  synchronized void check() {
    if (!contradictions.isEmpty()) {
      throw new AssertionError(
          "one decision: transactions decided both ways, or ended twice, in the log: " + contradictions);
    }
  }
}
