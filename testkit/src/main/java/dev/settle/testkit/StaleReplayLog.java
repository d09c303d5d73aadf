package dev.settle.testkit;

import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A fault of timing, not of storage: a reader of the log (a recovery pass) walks a snapshot that
 * the writers have already moved past. Armed, the next {@link #replay} takes its snapshot, runs an
 * action (another thread finishes a transaction, a peer writes a decision), and only then hands
 * the old snapshot to the reader, record by record, as a slow scan of a large log would.
 *
 * <p>A real log lets this happen whenever a replay takes longer than a transaction, which on the
 * in-memory path is a few microseconds; this log makes the interleaving certain, so a test can
 * show what a reader does with a history that is already stale when it reads it.
 */
public final class StaleReplayLog extends ForwardingTransactionLog {
  private int replaysBeforeHook;
  private @Nullable Runnable hook;

  /** Passes everything to {@code log} until armed. */
  public StaleReplayLog(TransactionLog log) {
    super(log);
  }

  /**
   * Runs {@code whileStale} inside the replay that comes after {@code replaysToSkip} more replays:
   * after its snapshot is taken, before the first record of it is handed on.
   */
  public synchronized void arm(int replaysToSkip, Runnable whileStale) {
    this.replaysBeforeHook = replaysToSkip;
    this.hook = whileStale;
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    Runnable action = take();
    if (action == null) {
      super.replay(sink);
      return;
    }
    List<LogRecord> snapshot = new ArrayList<>();
    super.replay(snapshot::add);
    action.run();
    snapshot.forEach(sink);
  }

  private synchronized @Nullable Runnable take() {
    if (hook == null) {
      return null;
    }
    if (replaysBeforeHook-- > 0) {
      return null;
    }
    Runnable action = hook;
    hook = null;
    return action;
  }
}
