package dev.settle.testkit;

import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionLog;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wraps a log so that the coordinator crashes at every K-th append, before the record is stored:
 * the coordinator's memory is lost, the log keeps what earlier appends stored. Recovery then runs
 * on the same log.
 */
public final class CrashingTransactionLog implements TransactionLog {
  private final TransactionLog log;
  private final int crashEvery;
  private long appends;
  private long crashes;
  private boolean armed = true;

  /**
   * A log that crashes its coordinator at every {@code crashEvery}-th append; 0 never crashes.
   */
  public CrashingTransactionLog(TransactionLog log, int crashEvery) {
    if (crashEvery < 0) {
      throw new IllegalArgumentException("crashEvery must not be negative, was " + crashEvery);
    }
    this.log = log;
    this.crashEvery = crashEvery;
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    appends++;
    if (armed && crashEvery > 0 && appends % crashEvery == 0) {
      crashes++;
      throw new SimulatedCrash(appends);
    }
    log.append(records, force);
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    log.replay(sink);
  }

  @Override
  public void close() {
    log.close();
  }

  /** Stops crashing: faults are over. */
  public void disarm() {
    armed = false;
  }

  /** Crashes caused so far. */
  public long crashes() {
    return crashes;
  }

  /** The wrapped log. */
  public TransactionLog delegate() {
    return log;
  }
}
