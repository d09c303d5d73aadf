package dev.settle.core.internal;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.TransactionImage;
import dev.settle.core.log.TransactionLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A coordinator's view of its log. Every record goes to the log first and only then into the live
 * image of its transaction, so the live state is never ahead of what a recovery would rebuild.
 * {@link #decide} always forces: this is where "durable decision first" is kept.
 */
public final class Journal {
  private final TransactionLog log;
  private final String protocol;
  private final Map<TransactionId, TransactionImage> live = new ConcurrentHashMap<>();

  public Journal(TransactionLog log, String protocol) {
    this.log = Assert.notNull(log, "log");
    this.protocol = Assert.notBlank(protocol, "protocol");
  }

  /** The protocol name written in every Begin record. */
  public String protocol() {
    return protocol;
  }

  /** Appends {@code records}, all of one transaction, then folds them into its live image. */
  public void append(List<LogRecord> records, boolean force) {
    log.append(records, force);
    for (LogRecord record : records) {
      TransactionId tx = record.transactionId();
      if (record instanceof LogRecord.Begin begin) {
        live.put(tx, TransactionImage.begin(begin));
      } else {
        live.computeIfPresent(tx, (id, image) -> image.apply(record));
      }
      if (record instanceof LogRecord.End) {
        live.remove(tx);
      }
    }
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

  /** Writes the End record; not forced, since a lost End only costs a redundant recovery. */
  public void end(TransactionId tx) {
    append(new LogRecord.End(tx), false);
  }

  /** The live image of an unfinished transaction started by this coordinator instance. */
  public @Nullable TransactionImage live(TransactionId tx) {
    return live.get(tx);
  }

  /** A snapshot of the live images of every unfinished transaction this instance knows. */
  public Map<TransactionId, TransactionImage> liveImages() {
    return Map.copyOf(live);
  }

  /** Rebuilds this protocol's unfinished transactions from the log and adopts them as live. */
  public Map<TransactionId, TransactionImage> recoverUnfinished() {
    Map<TransactionId, TransactionImage> unfinished = LogReplay.unfinished(log, protocol);
    live.putAll(unfinished);
    return unfinished;
  }

  /** The logged decision for {@code tx}, from the live image or the log; null if none. */
  public @Nullable Decision decisionFor(TransactionId tx) {
    TransactionImage image = live.get(tx);
    if (image != null && image.decision() != null) {
      return image.decision();
    }
    TransactionImage logged = LogReplay.all(log).get(tx);
    return logged == null ? null : logged.decision();
  }
}
