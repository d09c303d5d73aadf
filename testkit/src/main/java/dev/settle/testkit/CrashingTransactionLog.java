package dev.settle.testkit;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.LogClaim;
import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Wraps a log so that the coordinator process dies at every K-th append, before the record is
 * stored. From then on every append fails too, in every thread, until the process is restarted
 * with {@link #revive()}: a crash takes down every transaction in flight, not just one. The log
 * keeps what earlier appends stored, and recovery runs on it.
 *
 * <p>The coordinators' claims on the log ({@link TransactionLog#claim}) die with the process: after
 * a crash, {@link #revive()} or {@link #disarm()}, a coordinator built on this log is the
 * restarted process's, not a second owner beside a live one.
 */
public final class CrashingTransactionLog implements TransactionLog {
  private final TransactionLog log;
  private final int crashEvery;
  private long appends;
  private long crashes;
  private boolean armed = true;
  private boolean dead;
  private final List<LogClaim> claims = new ArrayList<>();

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
  public synchronized void append(List<LogRecord> records, boolean force) {
    if (dead) {
      throw new SimulatedCrash(appends);
    }
    appends++;
    if (armed && crashEvery > 0 && appends % crashEvery == 0) {
      crashes++;
      dead = true;
      releaseClaims();
      throw new SimulatedCrash(appends);
    }
    log.append(records, force);
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    log.replay(sink);
  }

  @Override
  public boolean replaysEveryTransaction() {
    return log.replaysEveryTransaction();
  }

  @Override
  public Optional<Decision> decision(TransactionId transactionId) {
    return log.decision(transactionId);
  }

  @Override
  public void close() {
    log.close();
  }

  /**
   * Claims the wrapped log, and remembers the claim so that a crash can drop it: a dead process
   * holds nothing.
   */
  @Override
  public synchronized LogClaim claim(String protocol, String owner) {
    LogClaim claim = log.claim(protocol, owner);
    claims.add(claim);
    return claim;
  }

  private void releaseClaims() {
    claims.forEach(LogClaim::release);
    claims.clear();
  }

  /** The process restarted: appends work again (until the next crash). */
  public synchronized void revive() {
    dead = false;
    releaseClaims();
  }

  /** Stops crashing for good: faults are over, and the process restarts. */
  public synchronized void disarm() {
    armed = false;
    dead = false;
    releaseClaims();
  }

  /** Crashes caused so far. */
  public synchronized long crashes() {
    return crashes;
  }

  /** The wrapped log. */
  public TransactionLog delegate() {
    return log;
  }
}
