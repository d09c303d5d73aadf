package dev.settle.core.log;

import dev.settle.core.log.spi.TransactionLog;
import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Rebuilds transactions from a log, the first step of every recovery pass. Transactions come out
 * in the order they began.
 *
 * <p>Two modes. {@link #all} and {@link #unfinished} are strict: the first inconsistent record
 * throws, which suits checks over a log that must be clean. {@link #scan} is what recovery uses:
 * it quarantines each inconsistent transaction and folds every other one, so that one damaged
 * transaction never blocks the recovery of the rest.
 */
public final class LogReplay {
  private final Map<TransactionId, TransactionImage> images = new LinkedHashMap<>();

  private LogReplay() {}

  /** Folds every record of {@code log} into images, ended ones included. */
  public static Map<TransactionId, TransactionImage> all(TransactionLog log) {
    LogReplay replay = new LogReplay();
    log.replay(replay::accept);
    return replay.images;
  }

  /** Folds {@code records} into images, ended ones included. */
  public static Map<TransactionId, TransactionImage> all(Iterable<LogRecord> records) {
    LogReplay replay = new LogReplay();
    records.forEach(replay::accept);
    return replay.images;
  }

  /** The transactions of {@code protocol} in {@code log} that have no End record. */
  public static Map<TransactionId, TransactionImage> unfinished(
      TransactionLog log, String protocol) {
    Map<TransactionId, TransactionImage> result = new LinkedHashMap<>();
    all(log)
        .forEach(
            (id, image) -> {
              if (!image.ended() && image.protocol().equals(protocol)) {
                result.put(id, image);
              }
            });
    return result;
  }

  /**
   * Folds every record of {@code log}, quarantining each transaction that cannot be folded
   * instead of failing. Reads the log once, and a second time only to collect the records of
   * quarantined transactions, when there are any.
   */
  public static LogScan scan(TransactionLog log) {
    Scanner scanner = new Scanner();
    log.replay(scanner::accept);
    if (scanner.hasQuarantined()) {
      log.replay(scanner::collect);
    }
    return scanner.result();
  }

  /** Like {@link #scan(TransactionLog)}, over {@code records}. */
  public static LogScan scan(Iterable<LogRecord> records) {
    Scanner scanner = new Scanner();
    records.forEach(scanner::accept);
    if (scanner.hasQuarantined()) {
      records.forEach(scanner::collect);
    }
    return scanner.result();
  }

  /** The tolerant fold behind {@link #scan}. */
  private static final class Scanner {
    /** A transaction set aside: what its Begin said, why, and its records once collected. */
    private record Pending(@Nullable String protocol, String reason, List<LogRecord> records) {}

    private final Map<TransactionId, TransactionImage> images = new LinkedHashMap<>();
    private final Map<TransactionId, Pending> pending = new LinkedHashMap<>();

    void accept(LogRecord record) {
      TransactionId id = record.transactionId();
      if (pending.containsKey(id)) {
        return; // its records are collected in the second pass
      }
      TransactionImage image = images.get(id);
      if (record instanceof LogRecord.Begin begin) {
        if (image == null) {
          images.put(id, TransactionImage.begin(begin));
        } else {
          quarantine(id, image.protocol(), "transaction " + id + " begins twice in the log");
        }
        return;
      }
      if (image == null) {
        quarantine(id, null, "log record " + record + " has no Begin record before it");
        return;
      }
      try {
        images.put(id, image.apply(record));
      } catch (CorruptLogException e) {
        quarantine(id, image.protocol(), String.valueOf(e.getMessage()));
      }
    }

    private void quarantine(TransactionId id, @Nullable String protocol, String reason) {
      images.remove(id);
      pending.put(id, new Pending(protocol, reason, new ArrayList<>()));
    }

    boolean hasQuarantined() {
      return !pending.isEmpty();
    }

    void collect(LogRecord record) {
      Pending held = pending.get(record.transactionId());
      if (held != null) {
        held.records().add(record);
      }
    }

    LogScan result() {
      Map<TransactionId, QuarantinedTransaction> quarantined = new LinkedHashMap<>();
      pending.forEach(
          (id, p) ->
              quarantined.put(id, new QuarantinedTransaction(id, p.protocol(), p.reason(), p.records())));
      return new LogScan(images, quarantined);
    }
  }

  private void accept(LogRecord record) {
    TransactionId id = record.transactionId();
    if (record instanceof LogRecord.Begin begin) {
      if (images.containsKey(id)) {
        throw new CorruptLogException("transaction " + id + " begins twice in the log", -1);
      }
      images.put(id, TransactionImage.begin(begin));
      return;
    }
    TransactionImage image = images.get(id);
    if (image == null) {
      throw new CorruptLogException(
          "log record " + record + " has no Begin record before it", -1);
    }
    images.put(id, image.apply(record));
  }
}
