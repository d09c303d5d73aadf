package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import dev.settle.testkit.http.FaultProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * TCC transfers through fault proxies that lose requests and responses, delay calls past the
 * timeout (a Cancel overtakes its Try) and deliver calls twice; then the faults stop, recovery
 * finishes what was left in doubt, and the invariants are checked over both shards.
 */
class FaultyNetworkTest {
  @Test
  void moneyIsConservedAndNothingHangsWhateverTheNetworkDoes() throws Exception {
    long seed = 7;
    Shard shard1 = new Shard("shard-1").open("A", 1_000);
    Shard shard2 = new Shard("shard-2").open("C", 0);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (JdkHttpServerEndpoint s1 = serve(shard1);
        JdkHttpServerEndpoint s2 = serve(shard2);
        FaultProxy p1 = proxy(s1, seed);
        FaultProxy p2 = proxy(s2, seed + 1)) {
      RemoteTccParticipant r1 = remote("shard-1", p1);
      RemoteTccParticipant r2 = remote("shard-2", p2);
      TccCoordinator coordinator =
          TccCoordinator.builder()
              .log(new InMemoryTransactionLog())
              .participant(r1)
              .participant(r2)
              .tryTimeout(Duration.ofMillis(500))
              .callTimeout(Duration.ofMillis(500))
              .phaseTwoRetry(
                  RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())
              .build();
      List<Future<Outcome>> runs = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        runs.add(
            callers.submit(
                () ->
                    coordinator.execute(
                        TccTransaction.builder()
                            .branch("debit-A", r1, "A:-1")
                            .branch("credit-C", r2, "C:1")
                            .build())));
      }
      int committed = 0;
      int inDoubt = 0;
      for (Future<Outcome> run : runs) {
        Outcome o = run.get();
        committed += o instanceof Outcome.Committed ? 1 : 0;
        inDoubt += o instanceof Outcome.InDoubt ? 1 : 0;
      }
      p1.faulty(false);
      p2.faulty(false);
      assertThat(p1.awaitQuiet(Duration.ofSeconds(5))).isTrue();
      assertThat(p2.awaitQuiet(Duration.ofSeconds(5))).isTrue();
      for (Outcome o : coordinator.recover()) {
        assertThat(o).isInstanceOfAny(Outcome.Committed.class, Outcome.RolledBack.class);
        committed += o instanceof Outcome.Committed ? 1 : 0;
      }
      assertThat(coordinator.recover()).isEmpty();

      String report = "seed " + seed + " proxy1 " + p1.counts() + " proxy2 " + p2.counts() + ", in doubt " + inDoubt;
      assertThat(shard1.balance("A") + shard2.balance("C")).as(report).isEqualTo(1_000);
      assertThat(shard1.pending()).as("reservations left on shard-1: " + report).isZero();
      assertThat(shard2.pending()).as("reservations left on shard-2: " + report).isZero();
      // Truthful outcomes: exactly the transfers reported committed moved money.
      assertThat(shard2.balance("C")).as(report).isEqualTo(committed);
      // The faults really happened.
      assertThat(p1.count("dropResponse") + p2.count("dropResponse")).isPositive();
      assertThat(p1.count("delay") + p2.count("delay")).isPositive();
      assertThat(p1.count("duplicate") + p2.count("duplicate")).isPositive();
      assertThat(p1.count("dropRequest") + p2.count("dropRequest")).isPositive();
      // At least one Try was overtaken by its Cancel and refused when it finally arrived.
      assertThat(p1.count("lateTryRefused") + p2.count("lateTryRefused"))
          .as(report)
          .isPositive();
    } finally {
      callers.shutdownNow();
    }
  }

  private static JdkHttpServerEndpoint serve(Shard shard) {
    return JdkHttpServerEndpoint.start(
        new InetSocketAddress("127.0.0.1", 0), ParticipantEndpoint.builder().tcc(shard).build(), 8);
  }

  private static FaultProxy proxy(JdkHttpServerEndpoint server, long seed) {
    return FaultProxy.start(
        new InetSocketAddress("127.0.0.1", 0), server.uri(), seed, 0.05, Duration.ofMillis(400));
  }

  private static RemoteTccParticipant remote(String name, FaultProxy proxy) {
    return RemoteTccParticipant.builder(name, URI.create(proxy.uri() + "/" + name))
        .callTimeout(Duration.ofMillis(250))
        .build();
  }
}
