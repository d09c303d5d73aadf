package dev.settle.readme;

import com.example.AccountsShard;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.settle.core.Outcome;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.http.JdkHttpServerEndpoint;
import dev.settle.http.ParticipantEndpoint;
import dev.settle.http.RemoteSagaStep;
import dev.settle.http.RemoteTccParticipant;
import dev.settle.http.StepCall;
import dev.settle.http.StepService;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * The README's "Remote participants over HTTP" example, compiled here as it stands. It listens on
 * fixed ports, so the build runs it in the http module's {@code ReadmeExampleTest} instead, line
 * for line on free ports.
 */
final class HttpSnippet {
  private HttpSnippet() {}

  /** A saga step service named "debit". */
  static final class DebitService implements StepService {
    @Override
    public String name() {
      return "debit";
    }

    @Override
    public void action(StepCall call) {}

    @Override
    public void compensate(StepCall call) {}
  }

  static Outcome example(TransactionLog log, SagaKey<Long> amount) {
    // readme:begin http
    // participant side, in each shard's process
    ParticipantEndpoint endpoint1 = ParticipantEndpoint.builder()
        .basePath("/settle")
        .tcc(new AccountsShard("shard-1"))   // fenced by the endpoint's in-memory fence
        .saga(new DebitService())            // a StepService named "debit"
        .build();
    JdkHttpServerEndpoint server1 =
        JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 8081), endpoint1);

    // caller side, in the coordinator's process
    TccParticipant shard1 = RemoteTccParticipant.builder("shard-1", URI.create("http://127.0.0.1:8081/settle/shard-1"))
        .callTimeout(Duration.ofSeconds(1))   // the whole exchange, answer body included
        .build();
    TccParticipant shard2 = RemoteTccParticipant.builder("shard-2", URI.create("http://127.0.0.1:8082/settle/shard-2"))
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

    RemoteSagaStep debit = RemoteSagaStep.builder(URI.create("http://127.0.0.1:8081/settle/debit"))
        .payload(ctx -> Long.toString(ctx.get(amount)).getBytes(UTF_8))
        .build();
    SagaDefinition transfer = SagaDefinition.builder("transfer")
        .step("debit", debit.action(), debit.compensation())
        .build();
    // readme:end
    server1.close();
    coordinator.close();
    return outcome;
  }
}
