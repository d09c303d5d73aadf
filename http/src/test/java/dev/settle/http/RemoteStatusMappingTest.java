package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.BusinessRefusalException;
import dev.settle.core.FailureKind;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.FenceViolationException;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TryRefusedException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every row of the status table, against a loopback stub that answers what each test sets. */
class RemoteStatusMappingTest {
  private static final String PROBLEM = WireFormat.PROBLEM_MEDIA_TYPE;
  private final StubServer stub = new StubServer();
  private final TccContext ctx =
      new TccContext(
          TransactionId.of("tx-1"), BranchId.of("b1"), "A:-1".getBytes(), 1, Instant.now().plusSeconds(60));

  @AfterEach
  void stop() {
    stub.close();
  }

  private RemoteTccParticipant remote(URI base, Duration timeout) {
    return RemoteTccParticipant.builder("shard", base).callTimeout(timeout).build();
  }

  private RemoteTccParticipant remote() {
    return remote(stub.base(), Duration.ofSeconds(2));
  }

  private static String problem(String type, String extra) {
    return "{\"type\":\"" + type + "\",\"status\":409,\"detail\":\"why\"" + extra + "}";
  }

  @Test
  void twoHundredsAreDone() {
    for (int status : new int[] {200, 204}) {
      stub.answer(status, "", "");
      assertThatCode(() -> remote().tryReserve(ctx)).doesNotThrowAnyException();
    }
  }

  @Test
  void settleRefusalsAreCleanFailuresOfTheirKind() {
    stub.answer(409, PROBLEM, problem(WireFormat.PROBLEM_TRY_REFUSED, ""));
    assertThatThrownBy(() -> remote().tryReserve(ctx)).isInstanceOf(TryRefusedException.class);
    stub.answer(409, PROBLEM, problem(WireFormat.PROBLEM_FENCE_VIOLATION, ""));
    assertThatThrownBy(() -> remote().confirm(ctx)).isInstanceOf(FenceViolationException.class);
    stub.answer(422, PROBLEM + "; charset=utf-8", problem(WireFormat.PROBLEM_REFUSED, ""));
    assertThatThrownBy(() -> remote().tryReserve(ctx))
        .isExactlyInstanceOf(ParticipantException.class)
        .hasMessageContaining("422")
        .hasMessageContaining("why");
    // A refusal the endpoint marks as the business's own is one on this side too (counted apart
    // from breakdowns); one marked as a failure is not.
    stub.answer(422, PROBLEM, problem(WireFormat.PROBLEM_REFUSED, ",\"refusal\":\"business\""));
    assertThatThrownBy(() -> remote().tryReserve(ctx))
        .isInstanceOfSatisfying(
            BusinessRefusalException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.BUSINESS_REFUSAL));
    stub.answer(422, PROBLEM, problem(WireFormat.PROBLEM_REFUSED, ",\"refusal\":\"failure\""));
    assertThatThrownBy(() -> remote().tryReserve(ctx)).isExactlyInstanceOf(ParticipantException.class);
  }

  @Test
  void aHeuristicAnswerCarriesWhatTheBranchApplied() {
    stub.answer(409, PROBLEM, problem(WireFormat.PROBLEM_HEURISTIC, ",\"applied\":\"HEURISTIC_MIXED\""));
    assertThatThrownBy(() -> remote().confirm(ctx))
        .isInstanceOfSatisfying(
            HeuristicBranchException.class,
            h -> assertThat(h.applied()).isEqualTo(BranchState.HEURISTIC_MIXED));
    // A heuristic answer naming no usable state is not believed.
    stub.answer(409, PROBLEM, problem(WireFormat.PROBLEM_HEURISTIC, ",\"applied\":\"PREPARED\""));
    assertThatThrownBy(() -> remote().confirm(ctx)).isInstanceOf(ParticipantTimeoutException.class);
  }

  @Test
  void everythingElseIsAnUnknownOutcome() {
    String[][] answers = {
      {"500", PROBLEM, problem(WireFormat.PROBLEM_FAILED, "")},
      {"503", "", ""},
      {"502", "text/html", "<h1>bad gateway</h1>"},
      {"408", "", ""},
      {"429", "", ""},
      {"400", PROBLEM, problem(WireFormat.PROBLEM_MALFORMED, "")},
      {"404", "text/plain", "not found"},
      {"302", "", ""},
      // A refusal status that is not from a Settle endpoint, or whose body is broken:
      {"409", "text/plain", "conflict"},
      {"409", PROBLEM, "{\"type\":\"about:blank\"}"},
      {"422", PROBLEM, "{\"type\":\"urn:settle:problem:refused\""},
      {"409", PROBLEM, "not json at all"},
    };
    for (String[] a : answers) {
      stub.answer(Integer.parseInt(a[0]), a[1], a[2]);
      assertThatThrownBy(() -> remote().cancel(ctx))
          .as(a[0] + " " + a[2])
          .isInstanceOf(ParticipantTimeoutException.class)
          .hasMessageContaining("outcome unknown");
    }
  }

  @Test
  void everyCallCarriesTheWireHeadersAndOneTraceIdPerTransaction() {
    stub.answer(204, "", "");
    remote().tryReserve(ctx);
    remote().confirm(new TccContext(ctx.transactionId(), ctx.branchId(), ctx.payload(), 2, ctx.deadline()));
    assertThat(stub.seen).hasSize(2);
    var first = stub.seen.get(0);
    var second = stub.seen.get(1);
    assertThat(first.getFirst(WireFormat.VERSION_HEADER)).isEqualTo("1");
    assertThat(first.getFirst(WireFormat.TRANSACTION_HEADER)).isEqualTo("tx-1");
    assertThat(first.getFirst(WireFormat.BRANCH_HEADER)).isEqualTo("b1");
    assertThat(first.getFirst(WireFormat.ATTEMPT_HEADER)).isEqualTo("1");
    assertThat(second.getFirst(WireFormat.ATTEMPT_HEADER)).isEqualTo("2");
    assertThat(Instant.parse(first.getFirst(WireFormat.DEADLINE_HEADER))).isEqualTo(ctx.deadline());
    String trace1 = first.getFirst("traceparent");
    String trace2 = second.getFirst("traceparent");
    assertThat(trace1).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(trace2.substring(3, 35)).isEqualTo(trace1.substring(3, 35));
    assertThat(trace2.substring(36, 52)).isNotEqualTo(trace1.substring(36, 52));
  }

  @Test
  void anAnswerLargerThanTheLimitIsUnknown() {
    stub.answer(200, "", "x".repeat(10_000));
    RemoteTccParticipant small =
        RemoteTccParticipant.builder("shard", stub.base()).maxAnswerBytes(100).build();
    assertThatThrownBy(() -> small.confirm(ctx)).isInstanceOf(ParticipantTimeoutException.class);
  }

  @Test
  void aServerSlowerThanTheCallTimeoutIsUnknownAndTheCallReturnsInTime() {
    stub.answer(204, "", "").sleepMillis = 3_000;
    long start = System.nanoTime();
    assertThatThrownBy(() -> remote(stub.base(), Duration.ofMillis(300)).tryReserve(ctx))
        .isInstanceOf(ParticipantTimeoutException.class)
        .hasMessageContaining("PT0.3S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(stub.requests).hasValue(1);
  }

  @Test
  void aBodyThatStallsAfterTheHeadersIsBoundedByTheCallTimeout() throws Exception {
    // JDK 17's request timeout stops at the headers; the call timeout must cover the body too.
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stall =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  s.getInputStream().read(new byte[4096]);
                  s.getOutputStream()
                      .write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".getBytes());
                  s.getOutputStream().flush();
                  Thread.sleep(3_000);
                } catch (Exception ignored) {
                  // closed by the test's end
                }
              });
      stall.start();
      URI base = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/p/shard");
      long start = System.nanoTime();
      assertThatThrownBy(() -> remote(base, Duration.ofMillis(300)).confirm(ctx))
          .isInstanceOf(ParticipantTimeoutException.class)
          .hasMessageContaining("outcome unknown");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_000));
      stall.interrupt();
    }
  }

  @Test
  void aRefusedConnectionIsACleanFailureBecauseNothingWasSent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + port + "/p/shard");
    assertThatThrownBy(() -> remote(closed, Duration.ofSeconds(2)).tryReserve(ctx))
        .isExactlyInstanceOf(ParticipantException.class)
        .hasMessageContaining("nothing was sent");
  }

  @Test
  void aConnectionResetAfterTheRequestWasReadIsUnknown() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread reader =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  byte[] buf = new byte[4096];
                  // Read until the request's end: the headers' blank line and the 4-byte body.
                  String seen = "";
                  while (!(seen.contains("\r\n\r\n") && seen.endsWith("A:-1"))) {
                    int n = in.read(buf);
                    if (n < 0) {
                      break;
                    }
                    seen += new String(buf, 0, n);
                  }
                  s.setSoLinger(true, 0); // close with a reset, after the request was delivered
                } catch (Exception ignored) {
                  // the test's assertion reports what the client saw
                }
              });
      reader.start();
      URI base = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/p/shard");
      assertThatThrownBy(() -> remote(base, Duration.ofSeconds(2)).tryReserve(ctx))
          .isInstanceOf(ParticipantTimeoutException.class)
          .hasMessageContaining("outcome unknown");
      reader.join(2_000);
    }
  }

  @Test
  void aRealEndpointUnderstandsWhatTheCallerSendsTrailingSlashIncluded() throws Exception {
    TccContext retry = new TccContext(ctx.transactionId(), ctx.branchId(), ctx.payload(), 3, ctx.deadline());
    Shard shard = new Shard("shard").open("A", 5);
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder().basePath("/p").tcc(shard).build();
    try (JdkHttpServerEndpoint server =
        JdkHttpServerEndpoint.start(new java.net.InetSocketAddress("127.0.0.1", 0), endpoint)) {
      remote(URI.create(server.uri() + "/p/shard/"), Duration.ofSeconds(2)).tryReserve(retry);
    }
    assertThat(shard.balance("A")).isEqualTo(4);
  }
}
