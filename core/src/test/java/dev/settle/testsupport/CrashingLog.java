package dev.settle.testsupport;

import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionLog;
import java.util.List;
import java.util.function.Consumer;

/** An in-memory log whose coordinator "crashes" (an Error unwinds it) at the n-th append. */
public final class CrashingLog implements TransactionLog {
  public static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(int append) {
      super("simulated coordinator crash at append " + append);
    }
  }

  public final InMemoryTransactionLog inner = InMemoryTransactionLog.keepingHistory();
  private int appends;

  /** How many appends were attempted, the crashing one included. */
  public int appends() {
    return appends;
  }
  private int crashAt;

  public CrashingLog(int crashAt) {
    this.crashAt = crashAt;
  }

  public void disarm() {
    crashAt = -1;
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    appends++;
    if (appends == crashAt) {
      throw new Crash(appends);
    }
    inner.append(records, force);
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    inner.replay(sink);
  }

  @Override
  public void close() {
    inner.close();
  }
}
