package dev.settle.core.log;

import dev.settle.core.TransactionId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a tolerant replay of a log found ({@link LogReplay#scan}): the consistent transactions,
 * folded, and the quarantined ones, set aside with the reason and their records. One damaged
 * transaction never hides the others.
 *
 * @param images every consistent transaction, ended ones included, in the order they began
 * @param quarantined every transaction that could not be folded, in the order first seen
 */
public record LogScan(
    Map<TransactionId, TransactionImage> images,
    Map<TransactionId, QuarantinedTransaction> quarantined) {
  /** Copies both maps, keeping their order. */
  public LogScan {
    images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    quarantined = Collections.unmodifiableMap(new LinkedHashMap<>(quarantined));
  }

  /** The consistent transactions of {@code protocol} that have no End record. */
  public Map<TransactionId, TransactionImage> unfinished(String protocol) {
    Map<TransactionId, TransactionImage> result = new LinkedHashMap<>();
    images.forEach(
        (id, image) -> {
          if (!image.ended() && image.protocol().equals(protocol)) {
            result.put(id, image);
          }
        });
    return result;
  }

  /**
   * The quarantined transactions a coordinator of {@code protocol} reports: its own, and those
   * with no Begin.
   */
  public Map<TransactionId, QuarantinedTransaction> quarantined(String protocol) {
    Map<TransactionId, QuarantinedTransaction> result = new LinkedHashMap<>();
    quarantined.forEach(
        (id, q) -> {
          if (q.concerns(protocol)) {
            result.put(id, q);
          }
        });
    return result;
  }
}
