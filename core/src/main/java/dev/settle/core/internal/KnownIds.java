package dev.settle.core.internal;

import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

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
  private static final int RING_CHUNK = 1_000;

  /** Weak keys: a log that is dropped takes its ids with it. Values never refer to their key. */
  private static final Map<TransactionLog, KnownIds> BY_LOG =
      Collections.synchronizedMap(new WeakHashMap<>());

  // One concurrent map, not a lock: every transaction passes here three times, from every
  // thread, and a lock shared by all of them made two threads slower than one. One map rather
  // than an open set and an ended set: taking an id is then a single putIfAbsent, which is the
  // check and the claim at once, with no window between two sets to reason about.
  /** Where an id known here stands: {@link #OPEN}, or {@link Closed}. */
  private sealed interface Standing permits Open, Closed {}

  /** Reserved, begun or taken back, not ended. */
  private enum Open implements Standing {
    INSTANCE
  }

  /**
   * Ended ({@code ended}), or given up here unfinished because another node took it over (then
   * refused as a new id and forgotten in turn like an ended one, but adoptable again). {@code
   * place} is its closing's number in the ring of closings: only the ring slot of that closing may
   * forget it. An id taken back and closed again has a newer place, and the slot of its first
   * closing, overwritten later, must not forget it early (it did, when a place was not kept).
   */
  private record Closed(boolean ended, long place) implements Standing {}

  private static final Standing OPEN = Open.INSTANCE;

  /** Every id known here, with where it stands. */
  private final ConcurrentHashMap<TransactionId, Standing> known = new ConcurrentHashMap<>();
  /**
   * The last {@link #ENDED_KEPT} closed ids in a ring: the id a closing overwrites is the one to
   * forget, if that slot holds its latest closing. A ring rather than a queue, so that closing a
   * transaction allocates no queue node; in chunks made on first use, so that a log that ends few
   * transactions (a test's) does not pay for the whole ring.
   */
  private final AtomicReferenceArray<@Nullable AtomicReferenceArray<@Nullable TransactionId>> endedRing =
      new AtomicReferenceArray<>(ENDED_KEPT / RING_CHUNK);
  private final AtomicLong endedTotal = new AtomicLong();
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
    // Kept even if the Begin never reaches the log (a crash): refusing an id that might be in the
    // log is safe, running it twice is not. Adding is the check, so two callers never both win.
    Standing before = known.putIfAbsent(tx, OPEN);
    if (before != null) {
      // Left: another node runs it now, unfinished; only an End makes it "ended".
      throw new DuplicateTransactionIdException(tx, before instanceof Closed c && c.ended());
    }
  }

  /** A Begin for {@code tx} was appended (reserved or not). */
  void begun(TransactionId tx) {
    if (!loaded) {
      // While the log is loaded, wait for it: the load's own check-then-add for this id must not
      // interleave with an End appended meanwhile, which would leave an ended id open for good.
      synchronized (this) {
        known.putIfAbsent(tx, OPEN);
      }
      return;
    }
    known.putIfAbsent(tx, OPEN); // an ended id stays ended
  }

  /** An End for {@code tx} was appended. */
  void ended(TransactionId tx) {
    close(tx, true);
  }

  /** This instance gave {@code tx} up unfinished (another node owns it now). */
  void left(TransactionId tx) {
    close(tx, false);
  }

  private void close(TransactionId tx, boolean ended) {
    if (!loaded) {
      synchronized (this) { // see begun
        end(tx, ended);
      }
      return;
    }
    end(tx, ended);
  }

  /** Whether {@code tx} ended, as far as this set remembers (the last {@value #ENDED_KEPT} ends). */
  boolean isEnded(TransactionId tx) {
    return known.get(tx) instanceof Closed c && c.ended();
  }

  /**
   * Whether {@code tx} is known here and not ended (reserved, begun, or given up to another node):
   * such an id is never forgotten while in that state, so the answer holds however many
   * transactions ended since.
   */
  boolean isKnownUnended(TransactionId tx) {
    Standing standing = known.get(tx);
    return standing == OPEN || (standing instanceof Closed c && !c.ended());
  }

  /**
   * Recovery took {@code tx} on here: open again, so that its End takes a fresh place among the
   * remembered ends instead of the one it got when it was given up (which would forget it early).
   */
  void adopted(TransactionId tx) {
    known.merge(tx, OPEN, (held, open) -> held instanceof Closed c && !c.ended() ? open : held);
  }

  /**
   * How many closings (Ends, and transactions given up to another node) so far: each takes a ring
   * slot, so a reader that sees this move by {@value #ENDED_KEPT} or more while it worked cannot
   * trust {@link #isEnded} for the ones that ended at its start; by fewer, it can.
   */
  long endedSoFar() {
    return endedTotal.get();
  }

  private void end(TransactionId tx, boolean ended) {
    long[] placed = {-1};
    // One atomic step: ended stays ended, so a late "left" can never make it adoptable again. An
    // End after leaving is a closing of its own, with a fresh place: keeping the leaving's older
    // place would let the ring forget the End before ENDED_KEPT closings followed it, which
    // recovery's adoption rule relies on never happening.
    known.compute(
        tx,
        (id, held) -> {
          if (held instanceof Closed c && (c.ended() || !ended)) {
            return c;
          }
          placed[0] = endedTotal.getAndIncrement(); // in the ring once per closing
          return new Closed(ended, placed[0]);
        });
    long place = placed[0];
    if (place >= 0) {
      int slot = (int) (place % ENDED_KEPT);
      TransactionId eldest = ringChunk(slot / RING_CHUNK).getAndSet(slot % RING_CHUNK, tx);
      if (eldest != null) {
        long evicted = place - ENDED_KEPT;
        // Forget it only if this slot holds its latest closing: one taken back and closed again
        // since has a newer place, and an open one is never forgotten. (Two closings placed out of
        // order, one thread stalled across ENDED_KEPT others, leave one id in no slot: kept for
        // good, a leak of one entry, never an early forgetting.)
        known.computeIfPresent(eldest, (id, held) -> held instanceof Closed c && c.place() <= evicted ? null : held);
      }
    }
  }

  private AtomicReferenceArray<@Nullable TransactionId> ringChunk(int index) {
    AtomicReferenceArray<@Nullable TransactionId> chunk = endedRing.get(index);
    if (chunk == null) {
      endedRing.compareAndSet(index, null, new AtomicReferenceArray<>(RING_CHUNK));
      chunk = Objects.requireNonNull(endedRing.get(index)); // ours or a racer's, never cleared
    }
    return chunk;
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
              end(tx, true);
            } else {
              known.putIfAbsent(tx, OPEN);
            }
          });
      loaded = true;
    }
  }
}
