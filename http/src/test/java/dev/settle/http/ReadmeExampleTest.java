package dev.settle.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The README's "Remote participants over HTTP" example, line for line, except that the servers
 * listen on free ports instead of 8081 and 8082.
 */
class ReadmeExampleTest {
  static final class AccountsShard extends Shard {
    AccountsShard(String name) {
      super(name);
      open("A", 100).open("C", 0);
    }
  }

  static final class DebitService extends Steps {
    DebitService() {
      super("debit");
    }
  }

  @Test
  void theExampleRuns() {
    TransactionLog log = new InMemoryTransactionLog();
    // --- participant side, in each shard's process
    ParticipantEndpoint endpoint1 = ParticipantEndpoint.builder()
        .basePath("/settle")
        .tcc(new AccountsShard("shard-1"))   // fenced by the endpoint's in-memory fence
        .saga(new DebitService())            // a StepService named "debit"
        .build();
    ParticipantEndpoint endpoint2 = ParticipantEndpoint.builder()
        .basePath("/settle").tcc(new AccountsShard("shard-2")).build();
    try (JdkHttpServerEndpoint server1 =
            JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 0), endpoint1);
        JdkHttpServerEndpoint server2 =
            JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 0), endpoint2)) {
      String url1 = server1.uri() + "/settle";
      String url2 = server2.uri() + "/settle";

      // --- caller side, in the coordinator's process
      TccParticipant shard1 = RemoteTccParticipant.builder("shard-1", URI.create(url1 + "/shard-1"))
          .callTimeout(Duration.ofSeconds(1))   // the whole exchange, answer body included
          .build();
      TccParticipant shard2 = RemoteTccParticipant.builder("shard-2", URI.create(url2 + "/shard-2"))
          .callTimeout(Duration.ofSeconds(1))
          .build();
      TccCoordinator coordinator = TccCoordinator.builder()
          .log(log)
          .participant(shard1).participant(shard2)  // found again by name after a crash
          .tryTimeout(Duration.ofSeconds(2))
          .build();
      coordinator.recover();
      Outcome outcome = coordinator.execute(TccTransaction.builder()
          .branch("debit-A", shard1, "A:-100")
          .branch("credit-C", shard2, "C:100")
          .build());
      outcome.orThrow();

      SagaKey<Long> amount = SagaKey.ofLong("amount");
      RemoteSagaStep debit = RemoteSagaStep.builder(URI.create(url1 + "/debit"))
          .payload(ctx -> Long.toString(ctx.get(amount)).getBytes(UTF_8))
          .build();
      SagaDefinition transfer = SagaDefinition.builder("transfer")
          .step("debit", debit.action(), debit.compensation())
          .build();
      SagaCoordinator sagas = SagaCoordinator.builder().log(log).definition(transfer).build();
      Outcome sagaOutcome = sagas.execute(SagaRequest.of(transfer).with(amount, 10L));

      assertThat(outcome).isInstanceOf(Outcome.Committed.class);
      assertThat(sagaOutcome).isInstanceOf(Outcome.Committed.class);
    }
  }
}
