package dev.settle.testkit;

import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A node's log in a {@link SharedLogSimulation}: passes everything to the log underneath, and can
 * be armed to run an action just before the N-th next append is stored (a pause) or to kill the
 * node at it, before or after the append is stored (a crash). A dead node's appends all fail.
 */
final class HookedLog extends ForwardingTransactionLog {
  private long appends;
  private int untilHook;
  private @Nullable Runnable hook;
  private int untilCrash;
  private boolean crashAfterStoring;
  private boolean dead;

  HookedLog(TransactionLog log) {
    super(log);
  }

  /** Runs {@code action} just before the {@code nth} next append is stored. */
  void before(int nth, Runnable action) {
    untilHook = nth;
    hook = action;
  }

  /** Kills the node at the {@code nth} next append, once it is stored or before. */
  void crashAt(int nth, boolean afterStoring) {
    untilCrash = nth;
    crashAfterStoring = afterStoring;
  }

  /** Drops what was armed and did not strike. */
  void disarm() {
    hook = null;
    untilCrash = 0;
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    if (dead) {
      throw new SimulatedCrash(appends);
    }
    Runnable action = hook;
    if (action != null && --untilHook <= 0) {
      hook = null;
      action.run();
    }
    appends++;
    if (untilCrash > 0 && --untilCrash == 0) {
      dead = true;
      if (crashAfterStoring) {
        try {
          delegate().append(records, force);
        } catch (RuntimeException refused) {
          // the node dies here either way
        }
      }
      throw new SimulatedCrash(appends);
    }
    delegate().append(records, force);
  }
}
