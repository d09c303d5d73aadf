package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How {@link JdkHttpServerEndpoint} stops: with a grace period a call in flight finishes and its
 * caller hears "done"; without one it is cut off and its caller hears "unknown"; afterwards
 * nothing is served, and a caller hears that nothing was sent.
 */
class ServerLifecycleTest {
  /** A Try that takes {@code millis} and says when it started and when it finished. */
  private static final class SlowTry implements TccParticipant {
    final CountDownLatch started = new CountDownLatch(1);
    final AtomicInteger finished = new AtomicInteger();
    final long millis;

    SlowTry(long millis) {
      this.millis = millis;
    }

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public void tryReserve(TccContext context) {
      started.countDown();
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      finished.incrementAndGet();
    }

    @Override
    public void confirm(TccContext context) {}

    @Override
    public void cancel(TccContext context) {}
  }

  private static TccContext call(String tx) {
    return new TccContext(TransactionId.of(tx), BranchId.of("b"), new byte[0], 1, Instant.now().plusSeconds(60));
  }

  private static JdkHttpServerEndpoint serve(TccParticipant participant) {
    return JdkHttpServerEndpoint.start(
        new InetSocketAddress("127.0.0.1", 0), ParticipantEndpoint.builder().tcc(participant).build(), 2);
  }

  @Test
  void aGracefulCloseLetsTheCallInFlightFinishAndThenServesNothing() throws Exception {
    SlowTry slow = new SlowTry(500);
    JdkHttpServerEndpoint server = serve(slow);
    assertThat(server.uri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
    RemoteTccParticipant remote =
        RemoteTccParticipant.builder("slow", URI.create(server.uri() + "/slow")).callTimeout(Duration.ofSeconds(10)).build();
    CompletableFuture<Void> inFlight = CompletableFuture.runAsync(() -> remote.tryReserve(call("tx-1")));
    assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();

    server.close(Duration.ofSeconds(5));

    inFlight.get(10, TimeUnit.SECONDS); // done, not unknown
    assertThat(slow.finished.get()).isEqualTo(1);
    assertThatThrownBy(() -> remote.tryReserve(call("tx-2")))
        .as("nothing listens any more: the call was never sent")
        .isInstanceOf(ParticipantException.class)
        .isNotInstanceOf(ParticipantTimeoutException.class);
  }

  @Test
  void anImmediateCloseCutsTheCallInFlightAndItsCallerHearsUnknown() throws Exception {
    SlowTry slow = new SlowTry(3_000);
    JdkHttpServerEndpoint server = serve(slow);
    RemoteTccParticipant remote =
        RemoteTccParticipant.builder("slow", URI.create(server.uri() + "/slow")).callTimeout(Duration.ofSeconds(10)).build();
    CompletableFuture<Void> inFlight = CompletableFuture.runAsync(() -> remote.tryReserve(call("tx-1")));
    assertThat(slow.started.await(10, TimeUnit.SECONDS)).isTrue();
    long closing = System.nanoTime();

    server.close();

    assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ParticipantTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("cut off, not waited for").isLessThan(Duration.ofSeconds(3));
    assertThat(slow.finished.get()).as("its thread was interrupted").isZero();
  }
}
