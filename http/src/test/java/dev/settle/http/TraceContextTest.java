package dev.settle.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The caller's trace crosses to the participant: a tracer's {@code traceId} and {@code spanId} in
 * the MDC of the thread that calls {@code execute} follow the transaction onto the coordinator's
 * worker threads and go out as the W3C {@code traceparent}; the participant side puts the trace id
 * into its own MDC while the participant runs.
 */
class TraceContextTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private final StubServer stub = new StubServer();

  @AfterEach
  void clean() {
    stub.close();
    MDC.clear();
  }

  @Test
  void theCallersTraceGoesOutAsTheTraceparentOfEveryCall() {
    stub.answer(204, "", "");
    RemoteTccParticipant remote = RemoteTccParticipant.builder("shard", stub.base()).build();
    try (TccCoordinator coordinator = TccCoordinator.builder().log(new InMemoryTransactionLog()).participant(remote).build()) {
      MDC.put("traceId", TRACE);
      MDC.put("spanId", SPAN);
      MDC.put("requestId", "r-1");
      Outcome outcome = coordinator.execute(TccTransaction.builder().branch("b", remote, "A:-1").build());
      assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    }
    assertThat(stub.seen).hasSize(2); // the Try, on a worker thread, and the Confirm, on another
    assertThat(stub.seen).allSatisfy(h -> assertThat(h.getFirst("traceparent")).isEqualTo("00-" + TRACE + "-" + SPAN + "-01"));
    assertThat(MDC.get("requestId")).as("the caller's own MDC is left as it was").isEqualTo("r-1");
  }

  @Test
  void withoutATraceTheTransactionsOwnTraceIsUsed() {
    stub.answer(204, "", "");
    RemoteTccParticipant remote = RemoteTccParticipant.builder("shard", stub.base()).build();
    MDC.put("traceId", "not-hex"); // a broken trace id is not passed on
    MDC.put("spanId", SPAN);
    try (TccCoordinator coordinator = TccCoordinator.builder().log(new InMemoryTransactionLog()).participant(remote).build()) {
      assertThat(coordinator.execute(TccTransaction.builder().branch("b", remote, "A:-1").build()))
          .isInstanceOf(Outcome.Committed.class);
    }
    assertThat(stub.seen).allSatisfy(h -> assertThat(h.getFirst("traceparent"))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
        .doesNotContain("not-hex"));
  }

  @Test
  void theParticipantRunsWithTheReceivedTraceInItsMdcAndOnlyWhileItRuns() {
    AtomicReference<String> seen = new AtomicReference<>();
    TccParticipant shard =
        new TccParticipant() {
          @Override
          public String name() {
            return "shard-1";
          }

          @Override
          public void tryReserve(TccContext context) {
            seen.set(MDC.get("traceId") + " " + MDC.get("traceparent"));
          }

          @Override
          public void confirm(TccContext context) {}

          @Override
          public void cancel(TccContext context) {}
        };
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder().tcc(shard).build();
    String traceparent = "00-" + TRACE + "-" + SPAN + "-01";
    Map<String, java.util.List<String>> headers =
        Requests.with(Requests.headers("tx-1", "b1", 1, Instant.now().plusSeconds(60)), "TraceParent", traceparent);

    assertThat(endpoint.handle("POST", "/shard-1/try", headers, "A:-1".getBytes(UTF_8)).status()).isEqualTo(204);
    assertThat(seen.get()).isEqualTo(TRACE + " " + traceparent);
    assertThat(MDC.get("traceId")).as("gone after the call").isNull();

    // A later version is read by its first four fields, and kept in its canonical form.
    Map<String, java.util.List<String>> future =
        Requests.with(Requests.headers("tx-3", "b1", 1, Instant.now().plusSeconds(60)), "traceparent", "01-" + TRACE + "-" + SPAN + "-01-what-comes-next");
    assertThat(endpoint.handle("POST", "/shard-1/try", future, "A:-1".getBytes(UTF_8)).status()).isEqualTo(204);
    assertThat(seen.get()).isEqualTo(TRACE + " " + traceparent);
    // Version 00 has exactly four fields: anything more is not a traceparent, nor is a huge value.
    for (String bad : new String[] {traceparent + "-extra", traceparent + "-" + "x".repeat(10_000), "ff-" + TRACE + "-" + SPAN + "-01"}) {
      Map<String, java.util.List<String>> h =
          Requests.with(Requests.headers("tx-" + bad.length(), "b1", 1, Instant.now().plusSeconds(60)), "traceparent", bad);
      assertThat(endpoint.handle("POST", "/shard-1/try", h, "A:-1".getBytes(UTF_8)).status()).isEqualTo(204);
      assertThat(seen.get()).as(bad.substring(0, Math.min(60, bad.length()))).isEqualTo("null null");
    }

    Map<String, java.util.List<String>> malformed =
        Requests.with(Requests.headers("tx-2", "b1", 1, Instant.now().plusSeconds(60)), "traceparent", "00-xyz-01");
    assertThat(endpoint.handle("POST", "/shard-1/try", malformed, "A:-1".getBytes(UTF_8)).status()).isEqualTo(204);
    assertThat(seen.get()).isEqualTo("null null");
  }
}
