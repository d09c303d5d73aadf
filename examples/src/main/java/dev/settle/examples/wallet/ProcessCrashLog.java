package dev.settle.examples.wallet;

import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionLog;
import dev.settle.testkit.SimulatedCrash;
import java.util.List;
import java.util.function.Consumer;

/**
 * The coordinator process dies at every K-th log append: that append and every later one fail
 * until the process is restarted ({@link #revive()}), so every thread's transaction dies with it,
 * as in a real crash. The records stored before the crash survive.
 */
final class ProcessCrashLog implements TransactionLog {
  private final TransactionLog log;
  private final int crashEvery;
  private long appends;
  private long crashes;
  private boolean dead;
  private boolean armed = true;

  ProcessCrashLog(TransactionLog log, int crashEvery) {
    this.log = log;
    this.crashEvery = crashEvery;
  }

  @Override
  public synchronized void append(List<LogRecord> records, boolean force) {
    if (dead) {
      throw new SimulatedCrash(appends);
    }
    appends++;
    if (armed && crashEvery > 0 && appends % crashEvery == 0) {
      dead = true;
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

  synchronized void revive() {
    dead = false;
  }

  synchronized void disarm() {
    armed = false;
    dead = false;
  }

  synchronized long crashes() {
    return crashes;
  }
}
