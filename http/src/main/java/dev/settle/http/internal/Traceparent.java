package dev.settle.http.internal;

import dev.settle.core.TransactionId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context {@code traceparent} values: the trace id is the first 16 bytes of the
 * transaction id's SHA-256, so every call of a transaction, retries and recovery included, lands
 * in one trace without any tracing library; the span id is random per call.
 */
public final class Traceparent {
  private static final HexFormat HEX = HexFormat.of();

  private Traceparent() {}

  /** A {@code traceparent} for one call of {@code tx}: {@code 00-<trace>-<span>-01}. */
  public static String of(TransactionId tx) {
    byte[] trace = new byte[16];
    System.arraycopy(sha256(tx.value().getBytes(StandardCharsets.UTF_8)), 0, trace, 0, 16);
    long span = ThreadLocalRandom.current().nextLong();
    if (span == 0) {
      span = 1; // an all-zero span id is invalid
    }
    return "00-" + HEX.formatHex(trace) + "-" + String.format(java.util.Locale.ROOT, "%016x", span) + "-01";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
