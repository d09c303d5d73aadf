package dev.settle.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.TransactionId;
import dev.settle.http.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * The limits of what goes over the wire, at their exact edges: bodies in both directions, the
 * caller's timeout header, and W3C trace context.
 */
class WireLimitsTest {
  @Test
  void aRequestBodyOfExactlyTheLimitIsReadAndOneByteMoreIsRefusedWith413() throws Exception {
    assertThat(RequestParser.body(new ByteArrayInputStream(new byte[8]), 8)).hasSize(8);
    assertThatThrownBy(() -> RequestParser.body(new ByteArrayInputStream(new byte[9]), 8))
        .isInstanceOfSatisfying(RequestParser.Malformed.class, m -> assertThat(m.status).isEqualTo(413))
        .hasMessageContaining("larger than 8 bytes");
  }

  @Test
  void theCallersTimeoutHeaderIsOptionalAndAtLeastOneMillisecond() throws Exception {
    assertThat(RequestParser.callTimeoutMillis(Map.of())).isEqualTo(-1);
    assertThat(RequestParser.callTimeoutMillis(Map.of(WireFormat.CALL_TIMEOUT_HEADER, List.of(" 1 ")))).isEqualTo(1);
    assertThatThrownBy(() -> RequestParser.callTimeoutMillis(Map.of(WireFormat.CALL_TIMEOUT_HEADER, List.of("0"))))
        .isInstanceOfSatisfying(RequestParser.Malformed.class, m -> assertThat(m.status).isEqualTo(400))
        .hasMessageContaining("at least 1 millisecond");
  }

  /** Feeds a body to the response's subscriber as the HTTP client would. */
  private static byte[] receive(int limit, boolean[] cancelled, byte[]... chunks) throws Exception {
    HttpResponse.BodySubscriber<byte[]> body = LimitedBody.handler(limit).apply(null);
    body.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {
            cancelled[0] = true;
          }
        });
    for (byte[] chunk : chunks) {
      body.onNext(List.of(ByteBuffer.wrap(chunk)));
    }
    body.onComplete();
    return body.getBody().toCompletableFuture().get();
  }

  @Test
  void anAnswerOfExactlyTheLimitIsReadAndALongerOneCancelsTheExchange() throws Exception {
    boolean[] cancelled = {false};
    assertThat(receive(6, cancelled, new byte[] {1, 2, 3}, new byte[] {4, 5, 6})).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(cancelled[0]).isFalse();

    assertThatThrownBy(() -> receive(6, cancelled, new byte[] {1, 2, 3}, new byte[] {4, 5, 6, 7}))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("larger than 6 bytes");
    assertThat(cancelled[0]).as("a hostile server is cut off, not read to the end").isTrue();
  }

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void aValidTraceparentIsKeptAndAnythingElseIsDropped() {
    String valid = "00-" + TRACE + "-" + SPAN + "-01";
    assertThat(Traceparent.canonical(valid)).isEqualTo(valid);
    assertThat(Traceparent.canonical("  " + valid + " ")).isEqualTo(valid);
    assertThat(Traceparent.traceId(valid)).isEqualTo(TRACE);
    assertThat(Traceparent.canonical("00-" + TRACE + "-" + SPAN + "-00")).as("flags may be 00").isNotNull();
    // A later version is read by its first four fields; version 00 must have exactly four.
    assertThat(Traceparent.canonical("01-" + TRACE + "-" + SPAN + "-01-extra")).isEqualTo(valid);
    assertThat(Traceparent.canonical(valid + "-extra")).isNull();
    assertThat(Traceparent.canonical("ff-" + TRACE + "-" + SPAN + "-01")).isNull();
    assertThat(Traceparent.canonical("00-" + "0".repeat(32) + "-" + SPAN + "-01")).as("all-zero trace id").isNull();
    assertThat(Traceparent.canonical("00-" + TRACE + "-" + "0".repeat(16) + "-01")).as("all-zero span id").isNull();
    assertThat(Traceparent.canonical("00-" + TRACE.toUpperCase() + "-" + SPAN + "-01")).as("upper case").isNull();
    assertThat(Traceparent.canonical("00-" + TRACE + "g-" + SPAN + "-01")).isNull();
    assertThat(Traceparent.canonical(null)).isNull();
    assertThat(Traceparent.traceId("garbage")).isNull();
  }

  @Test
  void aTraceparentOfUpTo512CharactersIsReadAndALongerOneIsNot() {
    String later = "01-" + TRACE + "-" + SPAN + "-01-";
    String exactly512 = later + "x".repeat(512 - later.length());
    assertThat(exactly512).hasSize(512);
    assertThat(Traceparent.canonical(exactly512)).isNotNull();
    assertThat(Traceparent.canonical(exactly512 + "x")).isNull();
  }

  @Test
  void aTransactionsOwnTraceIsTheSameForEveryCallOfItAndValid() {
    TransactionId tx = TransactionId.of("t1");
    String first = Traceparent.of(tx);
    String second = Traceparent.of(tx);
    assertThat(Traceparent.canonical(first)).isEqualTo(first);
    assertThat(Traceparent.traceId(first)).isEqualTo(Traceparent.traceId(second));
    assertThat(Traceparent.traceId(first)).isNotEqualTo(Traceparent.traceId(Traceparent.of(TransactionId.of("t2"))));
  }
}
