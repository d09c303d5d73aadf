package dev.settle.core.internal;

import dev.settle.core.internal.check.Assert;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.OwnershipLostException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.event.EventType;
import dev.settle.core.log.spi.LogClaim;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.LogScan;
import dev.settle.core.log.QuarantinedTransaction;
import dev.settle.core.log.TransactionImage;
import dev.settle.core.log.spi.TransactionLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A coordinator's view of its log. Every record goes to the log first and only then into the live
 * image of its transaction, so the live state is never ahead of what a recovery would rebuild.
 * {@link #decide} always forces: this is where "durable decision first" is kept.
 *
 * <p>A journal claims its log for its protocol when it is made ({@link TransactionLog#claim}), so
 * it is the only writer of its protocol's transactions in that log, and it refuses any record its
 * live images say cannot follow (a contradicting decision above all) before writing it: "one
 * owner per transaction" and "one decision" are kept here.
 */
public final class Journal {
  private final TransactionLog log;
  private final String protocol;
  /** The node name Ends are signed with, so the log tells who finished each transaction. */
  private final String node;
  /**
   * The records of each unfinished transaction this instance knows, folded into an image only
   * when asked: folding on every append would copy the branch map per record, which made a
   * 64-branch transaction cost quadratically more than a 2-branch one.
   */
  private final Map<TransactionId, List<LogRecord>> live = new ConcurrentHashMap<>();
  /**
   * Transactions dropped from the live set because an append for them failed (the log may hold
   * more of them than was kept here), each with the drop's number: a recovery read that started
   * before the drop may be older than what the failed append stored, so it must not adopt them;
   * a read that starts after does.
   */
  private final Map<TransactionId, Long> droppedAt = new ConcurrentHashMap<>();
  private final AtomicLong drops = new AtomicLong();
  /** Every id in the log, shared with the other journals on the same log object. */
  private final KnownIds ids;
  private final Set<TransactionId> quarantineReported = ConcurrentHashMap.newKeySet();

  private final LogClaim claim;
  private final EventDispatcher events;
  private volatile boolean released;

  /**
   * A journal on {@code log} for {@code protocol}; claims the log for this protocol first.
   *
   * @throws dev.settle.core.LogClaimedException if another coordinator of {@code protocol} holds
   *     {@code log}
   */
  public Journal(TransactionLog log, String protocol, EventDispatcher events) {
    this(log, protocol, events, "");
  }

  /**
   * A journal that signs the transactions it ends with {@code node}; see {@link #Journal(
   * TransactionLog, String, EventDispatcher)}.
   */
  public Journal(TransactionLog log, String protocol, EventDispatcher events, String node) {
    this.node = Assert.notNull(node, "node");
    this.log = Assert.notNull(log, "log");
    this.events = Assert.notNull(events, "events");
    this.protocol = Assert.notBlank(protocol, "protocol");
    this.claim =
        log.claim(
            protocol,
            "the " + protocol + " coordinator built on thread \"" + Thread.currentThread().getName() + "\"");
    this.ids = KnownIds.of(log);
  }

  /**
   * Gives up this journal's claim on the log, so that another coordinator of the protocol may use
   * it; this journal must not be used afterwards.
   */
  public void release() {
    released = true;
    claim.release();
  }

  /** Throws if this journal's coordinator was closed: its claim is gone, so it may not write. */
  private void checkOpen() {
    if (released) {
      throw new IllegalStateException(
          "this " + protocol + " coordinator is closed; build a new one to run or recover transactions");
    }
  }

  /** The protocol name written in every Begin record. */
  public String protocol() {
    return protocol;
  }

  /**
   * Takes {@code tx} for a new transaction; a coordinator calls this before it runs or logs
   * anything for it, so that a reused id never re-runs a transaction.
   *
   * @throws dev.settle.core.DuplicateTransactionIdException if the log already holds {@code tx}
   *     (ended, unfinished, or still running here) or another caller just took it
   */
  public void reserve(TransactionId tx) {
    checkOpen();
    ids.reserve(log, tx);
  }

  /**
   * Appends {@code records}, all of one transaction, then folds them into its live image. State
   * changes, decisions and Ends are stamped with the coordinator's clock (and the End with this
   * node's name) on the way, so that the log can tell when each happened, and who finished the
   * transaction; recovery reads none of it.
   */
  public void append(List<LogRecord> unstamped, boolean force) {
    checkOpen();
    List<LogRecord> records = stamped(unstamped);
    check(records);
    try {
      log.append(records, force);
    } catch (OwnershipLostException lost) {
      forget(records, lost);
      throw lost;
    } catch (TransactionLogException failed) {
      // These records may or may not be stored (a commit whose answer was lost), or the log
      // holds something else than this instance thought (a different decision): the history kept
      // here may now be behind the log, so recovery must read these transactions from the log
      // again instead of trusting it. Driven from a stale image, it would log a second decision.
      long drop = drops.incrementAndGet();
      for (LogRecord record : records) {
        droppedAt.put(record.transactionId(), drop); // first: an adopter that misses it sees this
        live.remove(record.transactionId());
      }
      throw failed;
    }
    for (LogRecord record : records) {
      TransactionId tx = record.transactionId();
      if (record instanceof LogRecord.Begin) {
        List<LogRecord> history = new ArrayList<>();
        history.add(record);
        live.put(tx, history);
        ids.begun(tx);
      } else if (record instanceof LogRecord.End) {
        ids.ended(tx); // first: a recovery read that adopts it after this sees it ended
        live.remove(tx);
        droppedAt.remove(tx);
      } else {
        List<LogRecord> history = live.get(tx);
        if (history != null) {
          synchronized (history) {
            history.add(record);
          }
        }
      }
    }
  }

  /**
   * Drops what this instance holds of transactions a shared log says it no longer owns: their new
   * owner finishes them, and an image kept here would never end, so it would be held forever and
   * driven by every later recovery pass only to be refused again.
   */
  private void forget(List<LogRecord> records, OwnershipLostException lost) {
    Set<TransactionId> txs = new LinkedHashSet<>();
    for (LogRecord record : records) {
      txs.add(record.transactionId());
    }
    for (TransactionId tx : txs) {
      ids.left(tx); // still refused as a new id; it no longer counts as running here
      live.remove(tx);
      events.publish(tx, EventType.OWNERSHIP_LOST, String.valueOf(lost.getMessage()));
    }
  }

  /**
   * Refuses, before anything is written, records that would make a history recovery cannot
   * follow: a second Begin, a record for a transaction this journal is not running (unknown,
   * ended, or quarantined), and above all a decision that contradicts the one already logged.
   * With one coordinator per log and protocol (the claim), this journal's live images are the
   * whole truth about its transactions, so this check is complete.
   */
  private void check(List<LogRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    TransactionId only = records.get(0).transactionId();
    for (int i = 1; i < records.size(); i++) {
      if (!only.equals(records.get(i).transactionId())) {
        checkSeveral(records);
        return;
      }
    }
    // One transaction, as every coordinator appends: the same rules with no collections, since
    // this runs on every append of every transaction.
    List<LogRecord> history = live.get(only);
    boolean begun = false;
    @Nullable Decision decided = null;
    for (LogRecord record : records) {
      if (record instanceof LogRecord.Begin) {
        if (history != null || begun) {
          throw alreadyRunning(record, only);
        }
        begun = true;
        continue;
      }
      if (history == null && !begun) {
        throw notRunning(record, only);
      }
      if (record instanceof LogRecord.Decided d) {
        Decision known = decided != null ? decided : loggedDecision(history);
        if (known != null && known != d.decision()) {
          throw decisionChanges(record, only, known);
        }
        decided = d.decision();
      }
    }
  }

  /** {@link #check} for a batch that spans several transactions. */
  private void checkSeveral(List<LogRecord> records) {
    Set<TransactionId> begun = new HashSet<>();
    Map<TransactionId, Decision> decided = new HashMap<>();
    for (LogRecord record : records) {
      TransactionId tx = record.transactionId();
      List<LogRecord> history = live.get(tx);
      if (record instanceof LogRecord.Begin) {
        if (history != null || !begun.add(tx)) {
          throw alreadyRunning(record, tx);
        }
        continue;
      }
      if (history == null && !begun.contains(tx)) {
        throw notRunning(record, tx);
      }
      if (record instanceof LogRecord.Decided d) {
        Decision known = decided.containsKey(tx) ? decided.get(tx) : loggedDecision(history);
        if (known != null && known != d.decision()) {
          throw decisionChanges(record, tx, known);
        }
        decided.put(tx, d.decision());
      }
    }
  }

  private static IllegalStateException alreadyRunning(LogRecord record, TransactionId tx) {
    return new IllegalStateException("refusing to log " + record + ": transaction " + tx + " is already running");
  }

  private IllegalStateException notRunning(LogRecord record, TransactionId tx) {
    return new IllegalStateException(
        "refusing to log " + record + ": transaction " + tx + " is not running in this "
            + protocol + " coordinator (unknown, ended or quarantined)");
  }

  private static IllegalStateException decisionChanges(LogRecord record, TransactionId tx, Decision known) {
    return new IllegalStateException(
        "refusing to log " + record + ": transaction " + tx + " is already decided " + known
            + ", and a decision never changes");
  }

  private static @Nullable Decision loggedDecision(@Nullable List<LogRecord> history) {
    if (history == null) {
      return null;
    }
    synchronized (history) {
      for (int i = history.size() - 1; i >= 0; i--) {
        if (history.get(i) instanceof LogRecord.Decided d) {
          return d.decision();
        }
      }
    }
    return null;
  }

  private List<LogRecord> stamped(List<LogRecord> records) {
    long now = -1;
    List<LogRecord> out = null; // made only when a record needs its time: a Begin batch does not
    for (int i = 0; i < records.size(); i++) {
      LogRecord record = records.get(i);
      LogRecord stamped = record;
      if (record instanceof LogRecord.BranchUpdated u && u.atMillis() < 0) {
        now = now < 0 ? Math.max(0, events.clock().millis()) : now;
        stamped = u.at(now);
      } else if (record instanceof LogRecord.Decided d && d.atMillis() < 0) {
        now = now < 0 ? Math.max(0, events.clock().millis()) : now;
        stamped = d.at(now);
      } else if (record instanceof LogRecord.End e && e.atMillis() < 0) {
        now = now < 0 ? Math.max(0, events.clock().millis()) : now;
        stamped = new LogRecord.End(e.transactionId(), node, now);
      }
      if (stamped != record && out == null) {
        out = new ArrayList<>(records.size());
        out.addAll(records.subList(0, i));
      }
      if (out != null) {
        out.add(stamped);
      }
    }
    return out == null ? records : out;
  }

  /** Appends one record; see {@link #append(List, boolean)}. */
  public void append(LogRecord record, boolean force) {
    append(List.of(record), force);
  }

  /**
   * Makes the decision durable. Returns only once the log has forced it; a coordinator sends no
   * phase-two call before this returns.
   */
  public void decide(TransactionId tx, Decision decision) {
    append(new LogRecord.Decided(tx, decision), true);
  }

  /** {@link #decide(TransactionId, Decision)}, logging why with the decision (for explaining it). */
  public void decide(TransactionId tx, Decision decision, Reason reason) {
    append(new LogRecord.Decided(tx, decision, reason.text(), reason.branch()), true);
  }

  /** Writes the End record; not forced, since a lost End only costs a redundant recovery. */
  public void end(TransactionId tx) {
    append(new LogRecord.End(tx), false);
  }

  /** Whether {@code tx} is begun and not ended here (started or adopted by this instance). */
  public boolean running(TransactionId tx) {
    return live.containsKey(tx);
  }

  /** The live image of an unfinished transaction started by this coordinator instance. */
  public @Nullable TransactionImage live(TransactionId tx) {
    List<LogRecord> history = live.get(tx);
    return history == null ? null : fold(history);
  }

  /** A snapshot of the live images of every unfinished transaction this instance knows. */
  public Map<TransactionId, TransactionImage> liveImages() {
    Map<TransactionId, TransactionImage> images = new HashMap<>();
    live.forEach((tx, history) -> images.put(tx, fold(history)));
    return images;
  }

  private static TransactionImage fold(List<LogRecord> history) {
    synchronized (history) {
      TransactionImage image = TransactionImage.begin((LogRecord.Begin) history.get(0));
      for (int i = 1; i < history.size(); i++) {
        image = image.apply(history.get(i));
      }
      return image;
    }
  }

  /**
   * Rebuilds this protocol's unfinished transactions from the log and adopts them as live; see
   * {@link #recoverFromLog()}.
   */
  public Map<TransactionId, TransactionImage> recoverUnfinished() {
    checkOpen();
    return recoverFromLog().unfinished(protocol);
  }

  /**
   * Scans the log tolerantly, adopts the unfinished transactions of this protocol as live, and
   * returns the whole scan. A quarantined transaction is never adopted: nothing this journal
   * appends can drive it.
   */
  public LogScan recoverFromLog() {
    checkOpen();
    long endedBefore = ids.endedSoFar();
    long dropsBefore = drops.get();
    LogScan scan = LogReplay.scan(log);
    Map<TransactionId, TransactionImage> unfinished = scan.unfinished(protocol);
    // Adopt the logged history of each unfinished transaction this instance does not track yet;
    // one it tracks (still running here, or adopted before) keeps its own, which is never behind.
    // What was read is a snapshot, and may be stale by the time it is adopted: a transaction this
    // instance was running can commit and end while the log is read (microseconds, against a read
    // of the whole log), or fail an append that stored its decision after all. Its history as read
    // has no decision; adopted, it would be recovered by presumed abort and get a second,
    // contradicting decision. So each history is read whole, and adopted (atomically with the
    // live set) only when nothing since the read began can have made it stale; otherwise the next
    // pass, whose read starts later, adopts it.
    Map<TransactionId, List<LogRecord>> read = new HashMap<>();
    log.replay(
        record -> {
          if (unfinished.containsKey(record.transactionId())) {
            read.computeIfAbsent(record.transactionId(), id -> new ArrayList<>()).add(record);
          }
        });
    int deferred = 0;
    for (Map.Entry<TransactionId, List<LogRecord>> e : read.entrySet()) {
      TransactionId tx = e.getKey();
      List<LogRecord> history = e.getValue();
      List<LogRecord> held = live.computeIfAbsent(tx, id -> adopt(id, history, endedBefore, dropsBefore));
      if (held == null) {
        deferred++;
      } else if (held == history) { // adopted now, not tracked here already
        Long mark = droppedAt.get(tx);
        if (mark != null && mark <= dropsBefore) {
          droppedAt.remove(tx, mark); // read after that drop: the history adopted is whole
        }
      }
    }
    if (deferred > 0) {
      events.log().debug("{} unfinished transactions changed while the log was read; left to the next pass", deferred);
    }
    return scan;
  }

  /**
   * {@code history} if it may be adopted, with its id open again in the id set, else null. The id
   * is reopened before the history is published in the live set: from then on another pass may
   * drive and end it, and that End must find the id open, not still given up.
   */
  private @Nullable List<LogRecord> adopt(
      TransactionId tx, List<LogRecord> history, long endedBefore, long dropsBefore) {
    if (!adoptable(tx, endedBefore, dropsBefore)) {
      return null;
    }
    ids.adopted(tx);
    return history;
  }

  /**
   * Whether a history of {@code tx} read from the log, by a read that began when {@code
   * endedBefore} transactions had ended and {@code dropsBefore} appends had failed, is still the
   * whole truth: it did not end here since (an End is recorded before the transaction leaves the
   * live set, so this sees it), no append of it failed since the read began, and, for an id this
   * instance does not know as unended, too few transactions ended meanwhile for the ended-id set to
   * have forgotten its end.
   */
  private boolean adoptable(TransactionId tx, long endedBefore, long dropsBefore) {
    if (ids.isEnded(tx)) {
      return false;
    }
    Long dropped = droppedAt.get(tx);
    if (dropped != null && dropped > dropsBefore) {
      return false;
    }
    return ids.isKnownUnended(tx) || ids.endedSoFar() - endedBefore < KnownIds.ENDED_KEPT;
  }

  /**
   * Whether this is the first time this journal reports {@code tx} as quarantined, so that a
   * periodic recovery warns once rather than on every pass.
   */
  boolean firstQuarantineReport(TransactionId tx) {
    return quarantineReported.add(tx);
  }

  /**
   * The logged decision for {@code tx}, from the live image or the log; null if none.
   *
   * @throws CorruptLogException if {@code tx} is quarantined: its records do not say one thing
   */
  public @Nullable Decision decisionFor(TransactionId tx) {
    TransactionImage image = live(tx);
    if (image != null && image.decision() != null) {
      return image.decision();
    }
    if (!log.replaysEveryTransaction()) {
      return log.decision(tx).orElse(null); // a shared log: its replay shows only our own
    }
    LogScan scan = LogReplay.scan(log);
    QuarantinedTransaction quarantined = scan.quarantined().get(tx);
    if (quarantined != null) {
      throw new CorruptLogException(
          "transaction " + tx + " is quarantined, its decision cannot be told: " + quarantined.reason(), -1);
    }
    TransactionImage logged = scan.images().get(tx);
    return logged == null ? null : logged.decision();
  }
}
