package dev.settle.core.internal;

import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.Collections;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The transaction ids a log holds, so that a reused id is refused before anything runs. One
 * instance per log object, shared by every journal on it (a TCC and a saga coordinator sharing a
 * log must not hand out the same id either), loaded from the log at first use and kept up to date
 * by the journals' own appends.
 *
 * <p>Cost: ids of unfinished transactions are always kept; of ended ones only the most recent
 * {@value #ENDED_KEPT}, so a process that runs for months holds a bounded set. A log that compacts
 * ended transactions forgets them too, so the horizon of the check is "still in the log when this
 * process first looked, or among the last {@value #ENDED_KEPT} ended since".
 */
final class KnownIds {
  static final int ENDED_KEPT = 100_000;

  /** Weak keys: a log that is dropped takes its ids with it. Values never refer to their key. */
  private static final Map<TransactionLog, KnownIds> BY_LOG =
      Collections.synchronizedMap(new WeakHashMap<>());

  // Concurrent sets, not a lock: every transaction passes here three times, from every thread,
  // and a lock shared by all of them made two threads slower than one.
  private final Set<TransactionId> open = ConcurrentHashMap.newKeySet();
  private final Set<TransactionId> ended = ConcurrentHashMap.newKeySet();
  /** The ended ids, oldest first, to forget the oldest beyond {@link #ENDED_KEPT}. */
  private final Queue<TransactionId> endedOrder = new ConcurrentLinkedQueue<>();
  private final AtomicInteger endedCount = new AtomicInteger();
  private volatile boolean loaded;

  private KnownIds() {}

  /** The ids of {@code log}, shared with every other journal on the same log object. */
  static KnownIds of(TransactionLog log) {
    return BY_LOG.computeIfAbsent(log, l -> new KnownIds());
  }

  /**
   * Takes {@code tx} for a new transaction.
   *
   * @throws DuplicateTransactionIdException if the log holds it already, or another caller took it
   */
  void reserve(TransactionLog log, TransactionId tx) {
    load(log);
    if (ended.contains(tx)) {
      throw new DuplicateTransactionIdException(tx, true);
    }
    // Kept even if the Begin never reaches the log (a crash): refusing an id that might be in the
    // log is safe, running it twice is not. Adding is the check, so two callers never both win.
    if (!open.add(tx)) {
      throw new DuplicateTransactionIdException(tx, false);
    }
    if (ended.contains(tx)) { // it ended between the check above and the add
      open.remove(tx);
      throw new DuplicateTransactionIdException(tx, true);
    }
  }

  /** A Begin for {@code tx} was appended (reserved or not). */
  void begun(TransactionId tx) {
    if (!loaded) {
      // While the log is loaded, wait for it: the load's own check-then-add for this id must not
      // interleave with an End appended meanwhile, which would leave an ended id open for good.
      synchronized (this) {
        addIfNotEnded(tx);
      }
      return;
    }
    addIfNotEnded(tx);
  }

  private void addIfNotEnded(TransactionId tx) {
    if (!ended.contains(tx)) {
      open.add(tx);
    }
  }

  /** An End for {@code tx} was appended. */
  void ended(TransactionId tx) {
    if (!loaded) {
      synchronized (this) { // see begun
        end(tx);
      }
      return;
    }
    end(tx);
  }

  private void end(TransactionId tx) {
    // Into the ended set before out of the open one: a concurrent reserve sees it in one of them.
    if (ended.add(tx)) {
      endedOrder.add(tx);
      if (endedCount.incrementAndGet() > ENDED_KEPT) {
        TransactionId eldest = endedOrder.poll();
        if (eldest != null) {
          ended.remove(eldest);
          endedCount.decrementAndGet();
        }
      }
    }
    open.remove(tx);
  }

  private void load(TransactionLog log) {
    if (loaded) {
      return;
    }
    synchronized (this) {
      if (loaded) {
        return;
      }
      // Every id the log mentions counts, even one whose records are damaged: a quarantined
      // transaction's id must not be handed out again either.
      log.replay(
          record -> {
            TransactionId tx = record.transactionId();
            if (record instanceof LogRecord.End) {
              end(tx);
            } else {
              addIfNotEnded(tx);
            }
          });
      loaded = true;
    }
  }
}
