package dev.settle.core.internal;

import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

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

  private final Set<TransactionId> open = new HashSet<>();
  private final Set<TransactionId> ended = new LinkedHashSet<>();
  private boolean loaded;

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
  synchronized void reserve(TransactionLog log, TransactionId tx) {
    load(log);
    if (open.contains(tx)) {
      throw new DuplicateTransactionIdException(tx, false);
    }
    if (ended.contains(tx)) {
      throw new DuplicateTransactionIdException(tx, true);
    }
    // Kept even if the Begin never reaches the log (a crash): refusing an id that might be in the
    // log is safe, running it twice is not.
    open.add(tx);
  }

  /** A Begin for {@code tx} was appended (reserved or not). */
  synchronized void begun(TransactionId tx) {
    if (!ended.contains(tx)) {
      open.add(tx);
    }
  }

  /** An End for {@code tx} was appended. */
  synchronized void ended(TransactionId tx) {
    open.remove(tx);
    ended.remove(tx); // re-added below, as the most recent
    ended.add(tx);
    if (ended.size() > ENDED_KEPT) {
      Iterator<TransactionId> eldest = ended.iterator();
      eldest.next();
      eldest.remove();
    }
  }

  private void load(TransactionLog log) {
    if (loaded) {
      return;
    }
    // Every id the log mentions counts, even one whose records are damaged: a quarantined
    // transaction's id must not be handed out again either.
    log.replay(
        record -> {
          TransactionId tx = record.transactionId();
          if (record instanceof LogRecord.End) {
            ended(tx);
          } else {
            begun(tx);
          }
        });
    loaded = true;
  }
}
