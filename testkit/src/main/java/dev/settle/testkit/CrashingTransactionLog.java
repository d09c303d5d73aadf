package dev.settle.testkit;

import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.LogClaim;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

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
public final class CrashingTransactionLog extends ForwardingTransactionLog {
  private final int crashEvery;
  private long appends;
  private long crashes;
  private final double crashRate;
  private final @Nullable Random random;
  private boolean armed = true;
  private boolean dead;
  private final List<LogClaim> claims = new ArrayList<>();
  private int appendsUntilHook;
  private @Nullable Runnable hook;
  private List<LogRecord> interrupted = List.of();

  /**
   * A log that crashes its coordinator at every {@code crashEvery}-th append; 0 never crashes.
   */
  public CrashingTransactionLog(TransactionLog log, int crashEvery) {
    super(log);
    if (crashEvery < 0) {
      throw new IllegalArgumentException("crashEvery must not be negative, was " + crashEvery);
    }
    this.crashEvery = crashEvery;
    this.crashRate = 0;
    this.random = null;
  }

  private CrashingTransactionLog(TransactionLog log, double crashRate, Random random) {
    super(log);
    this.crashEvery = 0;
    this.crashRate = crashRate;
    this.random = random;
  }

  /**
   * A log that crashes its coordinator at each append with probability {@code crashRate}, drawn
   * from {@code random}: unlike a fixed interval, which always strikes the same record of a
   * protocol's fixed sequence of appends, this covers every append position.
   *
   * @throws IllegalArgumentException unless {@code 0 <= crashRate < 1}
   */
  public static CrashingTransactionLog randomly(TransactionLog log, double crashRate, Random random) {
    if (!(crashRate >= 0 && crashRate < 1)) {
      throw new IllegalArgumentException("crashRate must be at least 0 and below 1, was " + crashRate);
    }
    if (log == null || random == null) {
      throw new NullPointerException("log and random must not be null");
    }
    return new CrashingTransactionLog(log, crashRate, random);
  }

  @Override
  public synchronized void append(List<LogRecord> records, boolean force) {
    if (dead) {
      throw new SimulatedCrash(appends);
    }
    if (hook != null && --appendsUntilHook <= 0) {
      Runnable run = hook;
      hook = null;
      run.run(); // before this append is stored: what happens while it is on its way
    }
    appends++;
    boolean crashNow =
        crashEvery > 0 ? appends % crashEvery == 0 : random != null && random.nextDouble() < crashRate;
    if (armed && crashNow) {
      crashes++;
      dead = true;
      releaseClaims();
      interrupted = List.copyOf(records);
      throw new SimulatedCrash(appends);
    }
    super.append(records, force);
  }

  /**
   * Claims the wrapped log, and remembers the claim so that a crash can drop it: a dead process
   * holds nothing.
   */
  @Override
  public synchronized LogClaim claim(String protocol, String owner) {
    LogClaim claim = super.claim(protocol, owner);
    claims.add(claim);
    return claim;
  }

  private void releaseClaims() {
    claims.forEach(LogClaim::release);
    claims.clear();
  }

  /** Runs {@code action} at the {@code appends}-th append from now, before it is stored. */
  synchronized void beforeAppend(int appends, Runnable action) {
    this.appendsUntilHook = appends;
    this.hook = action;
  }

  /** The records of the append the last crash interrupted, once; empty when already taken. */
  synchronized List<LogRecord> takeInterrupted() {
    List<LogRecord> r = interrupted;
    interrupted = List.of();
    return r;
  }

  /** Drops an action armed with {@link #beforeAppend} that has not run. */
  synchronized void disarmHook() {
    hook = null;
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
}
