package dev.settle.http.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.BusinessRefusalException;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.http.WireFormat;
import dev.settle.tcc.FenceViolationException;
import dev.settle.tcc.TryRefusedException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Sends one call and reads its answer truthfully: returns only on a 2xx, throws a plain {@link
 * ParticipantException} (or a subclass) only when the call definitely did not take effect, and a
 * {@link ParticipantTimeoutException} whenever it may have.
 */
public final class HttpCaller {
  private final HttpClient client;
  private final URI base;
  private final Duration callTimeout;
  private final long callTimeoutMillis;
  private final int maxAnswerBytes;

  /**
   * A caller for one participant.
   *
   * @param base the participant's base URI, without a trailing slash
   */
  public HttpCaller(HttpClient client, URI base, Duration callTimeout, int maxAnswerBytes) {
    this.client = client;
    this.base = base;
    this.callTimeout = callTimeout;
    // Rounded up: the endpoint must never believe the caller gave up before it did.
    this.callTimeoutMillis = (callTimeout.toNanos() + 999_999) / 1_000_000;
    this.maxAnswerBytes = maxAnswerBytes;
  }

  @Override
  public String toString() {
    return base.toString();
  }

  /** The per-call timeout, which covers the whole exchange, body included. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Sends {@code operation} and returns the 2xx answer's body, or throws as documented. */
  public byte[] call(
      String operation,
      TransactionId tx,
      BranchId branch,
      int attempt,
      Instant deadline,
      byte[] payload) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/" + operation))
            .version(HttpClient.Version.HTTP_1_1)
            .timeout(callTimeout)
            .header("Content-Type", WireFormat.PAYLOAD_MEDIA_TYPE)
            .header(WireFormat.VERSION_HEADER, WireFormat.VERSION)
            .header(WireFormat.TRANSACTION_HEADER, tx.value())
            .header(WireFormat.BRANCH_HEADER, branch.value())
            .header(WireFormat.ATTEMPT_HEADER, Integer.toString(attempt))
            .header(WireFormat.DEADLINE_HEADER, deadline.toString())
            .header(WireFormat.CALL_TIMEOUT_HEADER, Long.toString(callTimeoutMillis))
            .header(WireFormat.TRACEPARENT_HEADER, Traceparent.forCall(tx))
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
            .build();
    String what = operation + " " + request.uri();
    CompletableFuture<HttpResponse<byte[]>> sent =
        client.sendAsync(request, LimitedBody.handler(maxAnswerBytes));
    HttpResponse<byte[]> response;
    try {
      // The request timeout alone stops at the headers on JDK 17; this bounds the body too.
      response = sent.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      sent.cancel(true);
      throw new ParticipantTimeoutException(
          tx, branch, what + ": no complete answer within " + callTimeout + "; outcome unknown", e);
    } catch (InterruptedException e) {
      sent.cancel(true);
      Thread.currentThread().interrupt();
      throw new ParticipantTimeoutException(
          tx, branch, what + ": interrupted while waiting; outcome unknown", e);
    } catch (ExecutionException e) {
      throw transportFailure(tx, branch, what, e.getCause() == null ? e : e.getCause());
    }
    return read(tx, branch, what, response.statusCode(), response, response.body());
  }

  private ParticipantException transportFailure(
      TransactionId tx, BranchId branch, String what, Throwable cause) {
    // Connecting failed: not a byte of the request left this process, so nothing happened.
    if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
      return new ParticipantException(
          tx, branch, what + ": could not connect, nothing was sent (" + cause + ")", cause);
    }
    if (cause instanceof HttpTimeoutException) {
      // The client's own request timeout (the same length) beat ours to it: the same answer.
      return new ParticipantTimeoutException(
          tx, branch, what + ": no complete answer within " + callTimeout + "; outcome unknown", cause);
    }
    if (cause instanceof Error error) {
      throw error; // a failing JVM, not an answer
    }
    // A reset, a closed connection or a broken answer after the request may have been
    // delivered: the participant may have applied it.
    return new ParticipantTimeoutException(
        tx, branch, what + ": " + cause + "; outcome unknown", cause);
  }

  private static byte[] read(
      TransactionId tx,
      BranchId branch,
      String what,
      int status,
      HttpResponse<byte[]> response,
      byte[] body) {
    if (status >= 200 && status < 300) {
      return body;
    }
    @Nullable Problem problem = settleProblem(response, body);
    String answer = what + " answered " + status;
    if (problem != null && (status == 409 || status == 422)) {
      @Nullable ParticipantException refusal = refusal(tx, branch, problem, answer + ": " + problem.detail());
      if (refusal != null) {
        throw refusal;
      }
    }
    // Everything else may have been applied, or comes from something that is not a Settle
    // endpoint (a proxy, a wrong base URI): never success, and never a definite failure.
    String detail = problem == null ? "" : ": " + problem.type() + " " + problem.detail();
    throw new ParticipantTimeoutException(tx, branch, answer + detail + "; outcome unknown");
  }

  /** The definite refusal a Settle problem document describes, or null if it describes none. */
  private static @Nullable ParticipantException refusal(
      TransactionId tx, BranchId branch, Problem problem, String detail) {
    return switch (problem.type()) {
      case WireFormat.PROBLEM_TRY_REFUSED -> new TryRefusedException(tx, branch, detail);
      case WireFormat.PROBLEM_FENCE_VIOLATION -> new FenceViolationException(tx, branch, detail);
      case WireFormat.PROBLEM_REFUSED ->
          "business".equals(problem.get(WireFormat.REFUSAL_MEMBER))
              ? new BusinessRefusalException(tx, branch, detail)
              : new ParticipantException(tx, branch, detail, null);
      case WireFormat.PROBLEM_HEURISTIC -> {
        @Nullable BranchState applied = heuristicState(problem.get("applied"));
        yield applied == null
            ? null
            : new HeuristicBranchException(tx, branch, applied, detail, null);
      }
      default -> null;
    };
  }

  private static @Nullable BranchState heuristicState(@Nullable String applied) {
    if (applied == null) {
      return null;
    }
    try {
      BranchState state = BranchState.valueOf(applied.toUpperCase(Locale.ROOT));
      return state == BranchState.COMMITTED
              || state == BranchState.ROLLED_BACK
              || state.isHeuristic()
          ? state
          : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static @Nullable Problem settleProblem(HttpResponse<byte[]> response, byte[] body) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith(WireFormat.PROBLEM_MEDIA_TYPE)) {
      return null;
    }
    try {
      Problem problem = Problem.parse(body);
      return problem.type().startsWith("urn:settle:problem:") ? problem : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
