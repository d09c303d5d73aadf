package dev.settle.http.internal;

import dev.settle.core.TransactionId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * W3C Trace Context {@code traceparent} values. When the calling thread's MDC holds a tracer's
 * {@code traceId} (32 hex digits) and {@code spanId} (16), as Micrometer Tracing and most tracers
 * put them, the call joins that trace as a child of that span: the coordinator hands its caller's
 * MDC to the threads that call participants. Otherwise the trace id is the first 16 bytes of the
 * transaction id's SHA-256, so every call of a transaction, retries and recovery included, lands
 * in one trace without any tracing library; the span id is random per call.
 */
public final class Traceparent {
  private static final HexFormat HEX = HexFormat.of();

  private Traceparent() {}

  /** The MDC key a tracer keeps the current trace id under (and this puts a received one). */
  public static final String TRACE_ID = "traceId";

  /** The MDC key a tracer keeps the current span id under. */
  public static final String SPAN_ID = "spanId";

  /** The MDC key the participant side puts a received {@code traceparent} under. */
  public static final String MDC_KEY = "traceparent";

  /**
   * A {@code traceparent} for one call of {@code tx}: the caller's trace from the MDC if there is
   * a valid one, else {@link #of}.
   */
  public static String forCall(TransactionId tx) {
    String trace = MDC.get(TRACE_ID);
    String span = MDC.get(SPAN_ID);
    if (trace != null && span != null && hex(trace, 32) && hex(span, 16)) {
      return "00-" + trace + "-" + span + "-01";
    }
    return of(tx);
  }

  /**
   * The canonical {@code traceparent} (version 00, 55 characters) of a valid one, or null for
   * anything else. Version 00 must have exactly four fields; a later version is read by its first
   * four, as the W3C specification asks; version ff is invalid.
   */
  public static @Nullable String canonical(@Nullable String traceparent) {
    if (traceparent == null || traceparent.length() > 512) {
      return null;
    }
    String[] parts = traceparent.trim().split("-", -1);
    if (parts.length < 4 || !hex(parts[0], 2) || parts[0].equals("ff")) {
      return null;
    }
    if (parts[0].equals("00") && parts.length != 4) {
      return null;
    }
    if (!hex(parts[1], 32) || !hex(parts[2], 16) || !hex(parts[3], 2)) {
      return null;
    }
    return "00-" + parts[1] + "-" + parts[2] + "-" + parts[3];
  }

  /** The trace id of a valid {@code traceparent}, or null for anything else. */
  public static @Nullable String traceId(@Nullable String traceparent) {
    String canonical = canonical(traceparent);
    return canonical == null ? null : canonical.substring(3, 35);
  }

  /** Lower-case hex of {@code length} digits, not all zero (W3C: all-zero ids are invalid). */
  private static boolean hex(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero || length == 2; // the flags byte may be 00
  }

  /** A {@code traceparent} of {@code tx}'s own trace: {@code 00-<trace>-<span>-01}. */
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
