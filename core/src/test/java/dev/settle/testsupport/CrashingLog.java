package dev.settle.testsupport;

import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogClaim;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.ForwardingTransactionLog;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory log whose coordinator "crashes" (an Error unwinds it) at the n-th append. The crash
 * takes the coordinator's claim on the log with it, and {@link #disarm()} starts a new process:
 * either way the next coordinator built on this log is its successor, not a second owner.
 */
public final class CrashingLog extends ForwardingTransactionLog {
  public static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(int append) {
      super("simulated coordinator crash at append " + append);
    }
  }

  public final InMemoryTransactionLog inner;
  private int appends;

  /** How many appends were attempted, the crashing one included. */
  public int appends() {
    return appends;
  }
  private int crashAt;

  public CrashingLog(int crashAt) {
    this(InMemoryTransactionLog.keepingHistory(), crashAt);
  }

  private CrashingLog(InMemoryTransactionLog inner, int crashAt) {
    super(inner);
    this.inner = inner;
    this.crashAt = crashAt;
  }

  private final List<LogClaim> claims = new ArrayList<>();

  public void disarm() {
    crashAt = -1;
    releaseClaims();
  }

  @Override
  public LogClaim claim(String protocol, String owner) {
    LogClaim claim = inner.claim(protocol, owner);
    synchronized (claims) {
      claims.add(claim);
    }
    return claim;
  }

  private void releaseClaims() {
    synchronized (claims) {
      claims.forEach(LogClaim::release);
      claims.clear();
    }
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    appends++;
    if (appends == crashAt) {
      releaseClaims();
      throw new Crash(appends);
    }
    inner.append(records, force);
  }
}
