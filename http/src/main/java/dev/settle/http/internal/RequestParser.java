package dev.settle.http.internal;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.http.WireFormat;
import dev.settle.tcc.spi.TccContext;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads a request's headers and body into a call, or says why it cannot. */
public final class RequestParser {
  /** A request the endpoint cannot take; nothing ran. */
  public static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    /** The status to answer: 400 or 413. */
    public final int status;

    Malformed(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private RequestParser() {}

  /**
   * Reads at most {@code limit} bytes of body.
   *
   * @throws Malformed with 413 if the body is longer
   */
  public static byte[] body(InputStream in, int limit) throws IOException, Malformed {
    byte[] bytes = in.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw new Malformed(413, "the body is larger than " + limit + " bytes");
    }
    return bytes;
  }

  /** The call the headers describe, with {@code payload}. */
  public static TccContext context(Map<String, List<String>> headers, byte[] payload)
      throws Malformed {
    String version = header(headers, WireFormat.VERSION_HEADER);
    if (!WireFormat.VERSION.equals(version)) {
      throw new Malformed(
          400, WireFormat.VERSION_HEADER + " is " + version + "; this endpoint speaks "
              + WireFormat.VERSION);
    }
    String tx = required(headers, WireFormat.TRANSACTION_HEADER);
    String branch = required(headers, WireFormat.BRANCH_HEADER);
    String attemptText = required(headers, WireFormat.ATTEMPT_HEADER);
    String deadlineText = required(headers, WireFormat.DEADLINE_HEADER);
    int attempt;
    try {
      attempt = Integer.parseInt(attemptText);
    } catch (NumberFormatException e) {
      throw new Malformed(400, WireFormat.ATTEMPT_HEADER + " \"" + attemptText + "\" is no number");
    }
    if (attempt < 1) {
      throw new Malformed(400, WireFormat.ATTEMPT_HEADER + " must be at least 1, not " + attempt);
    }
    Instant deadline;
    try {
      deadline = Instant.parse(deadlineText);
    } catch (DateTimeException e) {
      throw new Malformed(
          400, WireFormat.DEADLINE_HEADER + " \"" + deadlineText + "\" is no ISO-8601 instant");
    }
    try {
      return new TccContext(TransactionId.of(tx), BranchId.of(branch), payload, attempt, deadline);
    } catch (IllegalArgumentException e) {
      throw new Malformed(400, "bad transaction or branch id: " + e.getMessage());
    }
  }

  /**
   * How many milliseconds the caller waits for the answer ({@link
   * WireFormat#CALL_TIMEOUT_HEADER}), or -1 when the request does not say.
   */
  public static long callTimeoutMillis(Map<String, List<String>> headers) throws Malformed {
    String text = header(headers, WireFormat.CALL_TIMEOUT_HEADER);
    if (text == null) {
      return -1;
    }
    long millis;
    try {
      millis = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new Malformed(
          400, WireFormat.CALL_TIMEOUT_HEADER + " \"" + text + "\" is no whole number of milliseconds");
    }
    if (millis < 1) {
      throw new Malformed(
          400, WireFormat.CALL_TIMEOUT_HEADER + " must be at least 1 millisecond, not " + millis);
    }
    return millis;
  }

  private static String required(Map<String, List<String>> headers, String name)
      throws Malformed {
    String value = header(headers, name);
    if (value == null || value.isBlank()) {
      throw new Malformed(400, "header " + name + " is missing");
    }
    return value;
  }

  /** The first value of a header, its name compared without case. */
  public static @Nullable String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
