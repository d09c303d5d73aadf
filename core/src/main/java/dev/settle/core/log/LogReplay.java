package dev.settle.core.log;

import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rebuilds transactions from a log, the first step of every recovery pass. Transactions come out
 * in the order they began.
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
