package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A participant slower than its callers wait: the calls they gave up on while those calls waited
 * for a server thread are answered without running, so the participant's backlog drains instead of
 * growing (a shard once spent minutes on calls nobody waited for, every one of them retried).
 */
class AbandonedCallsTest {
  /** Takes {@code work} per Try and counts the Tries it really ran. */
  private static final class SlowParticipant implements TccParticipant {
    final AtomicInteger ran = new AtomicInteger();
    final Duration work;

    SlowParticipant(Duration work) {
      this.work = work;
    }

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public void tryReserve(TccContext context) {
      ran.incrementAndGet();
      try {
        Thread.sleep(work.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void confirm(TccContext context) {}

    @Override
    public void cancel(TccContext context) {}
  }

  private static TccContext call(String tx) {
    return new TccContext(
        TransactionId.of(tx), BranchId.of("b"), "x".getBytes(StandardCharsets.UTF_8), 1, Instant.now().plusSeconds(60));
  }

  @Test
  void callsWhoseCallersGaveUpInTheQueueAreNotRunAndTheBacklogDrains() throws Exception {
    SlowParticipant slow = new SlowParticipant(Duration.ofMillis(300));
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder().basePath("/settle").tcc(slow).build();
    try (JdkHttpServerEndpoint server =
        JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 0), endpoint, 1)) {
      URI base = URI.create(server.uri() + "/settle/slow");
      RemoteTccParticipant impatient = RemoteTccParticipant.builder("slow", base).callTimeout(Duration.ofMillis(100)).build();
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        TccContext c = call("tx-" + i);
        calls.add(CompletableFuture.runAsync(() -> impatient.tryReserve(c)));
      }
      for (CompletableFuture<Void> c : calls) {
        assertThatThrownBy(c::join).hasCauseInstanceOf(ParticipantTimeoutException.class);
      }
      // A patient caller behind the backlog: with every abandoned call run, it would wait 8 x 300 ms.
      RemoteTccParticipant patient = RemoteTccParticipant.builder("slow", base).callTimeout(Duration.ofSeconds(10)).build();
      long start = System.nanoTime();
      patient.tryReserve(call("tx-patient"));
      Duration waited = Duration.ofNanos(System.nanoTime() - start);

      // One thread, 300 ms a Try: the first one or two impatient calls got the thread in time;
      // the rest waited past 100 ms and were not run.
      assertThat(slow.ran.get()).as("Tries run (the patient one included)").isLessThanOrEqualTo(4);
      assertThat(endpoint.abandonedCalls()).as("calls answered without running").isGreaterThanOrEqualTo(5);
      assertThat(slow.ran.get() - 1 + endpoint.abandonedCalls()).as("every impatient call ran or was shed").isEqualTo(8);
      assertThat(waited).as("the patient call waited behind at most the calls that ran").isLessThan(Duration.ofMillis(8 * 300));
    }
  }

  @Test
  void anAbandonedCallIsAnsweredWithItsOwnProblemAndARequestWithoutTheHeaderAlwaysRuns() {
    SlowParticipant quick = new SlowParticipant(Duration.ZERO);
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder().tcc(quick).build();
    var headers = Requests.headers("tx-1", "b", 1, Instant.now().plusSeconds(60));

    EndpointResponse shed = endpoint.handle("POST", "/slow/try",
        Requests.with(headers, WireFormat.CALL_TIMEOUT_HEADER, "100"), new ByteArrayInputStream(new byte[0]), Duration.ofMillis(100));
    assertThat(shed.status()).isEqualTo(503);
    assertThat(new String(shed.body(), StandardCharsets.UTF_8))
        .contains(WireFormat.PROBLEM_ABANDONED).contains("try tx-1/b for slow waited 100 ms");
    assertThat(quick.ran.get()).isZero();

    EndpointResponse inTime = endpoint.handle("POST", "/slow/try",
        Requests.with(headers, WireFormat.CALL_TIMEOUT_HEADER, "100"), new ByteArrayInputStream(new byte[0]), Duration.ofMillis(99));
    assertThat(inTime.status()).isEqualTo(204);

    // Another transaction: the endpoint's fence answers a repeat of tx-1's Try without running it.
    var other = Requests.headers("tx-2", "b", 1, Instant.now().plusSeconds(60));
    EndpointResponse noHeader = endpoint.handle("POST", "/slow/try", other, new ByteArrayInputStream(new byte[0]), Duration.ofHours(1));
    assertThat(noHeader.status()).isEqualTo(204);
    // A wall clock stepped back gives a negative wait: the call runs, as if it had not waited.
    var third = Requests.headers("tx-3", "b", 1, Instant.now().plusSeconds(60));
    EndpointResponse clockStepBack = endpoint.handle("POST", "/slow/try",
        Requests.with(third, WireFormat.CALL_TIMEOUT_HEADER, "100"), new ByteArrayInputStream(new byte[0]), Duration.ofMillis(-5_000));
    assertThat(clockStepBack.status()).isEqualTo(204);
    assertThat(quick.ran.get()).isEqualTo(3);
    assertThat(endpoint.abandonedCalls()).isEqualTo(1);
  }

  @Test
  void aMalformedCallTimeoutIsRefusedWithoutRunning() {
    SlowParticipant quick = new SlowParticipant(Duration.ZERO);
    ParticipantEndpoint endpoint = ParticipantEndpoint.builder().tcc(quick).build();
    var headers = Requests.headers("tx-1", "b", 1, Instant.now().plusSeconds(60));
    for (String bad : List.of("soon", "0", "-5", "1.5")) {
      EndpointResponse answer = endpoint.handle("POST", "/slow/try",
          Requests.with(headers, WireFormat.CALL_TIMEOUT_HEADER, bad), new byte[0]);
      assertThat(answer.status()).as(bad).isEqualTo(400);
      assertThat(new String(answer.body(), StandardCharsets.UTF_8)).as(bad).contains(WireFormat.CALL_TIMEOUT_HEADER);
    }
    assertThat(quick.ran.get()).isZero();
    assertThat(endpoint.abandonedCalls()).isZero();
  }
}
