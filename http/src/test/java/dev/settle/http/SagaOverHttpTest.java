package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A two-step saga whose steps run behind loopback HTTP servers. */
class SagaOverHttpTest {
  private static final SagaKey<Long> AMOUNT = SagaKey.ofLong("amount");
  private final Steps debit = new Steps("debit");
  private final Steps credit = new Steps("credit");
  private final JdkHttpServerEndpoint server1 =
      JdkHttpServerEndpoint.start(
          new InetSocketAddress("127.0.0.1", 0), ParticipantEndpoint.builder().saga(debit).build(), 4);
  private final WrappingServer server2 =
      new WrappingServer(ParticipantEndpoint.builder().saga(credit).build());

  @AfterEach
  void stop() {
    server1.close();
    server2.close();
  }

  // Generous for the debit, whose calls must not time out on a busy machine; the credit's is
  // shorter than the delay its unknown-outcome test puts in front of it.
  private static RemoteSagaStep step(URI base) {
    return RemoteSagaStep.builder(base)
        .payload(ctx -> Long.toString(ctx.get(AMOUNT)).getBytes(StandardCharsets.UTF_8))
        .callTimeout(Duration.ofSeconds(2))
        .build();
  }

  private final InMemoryTransactionLog log = new InMemoryTransactionLog();

  private SagaCoordinator coordinator() {
    return SagaCoordinator.builder()
        .log(log)
        .definition(definition())
        .callTimeout(Duration.ofSeconds(3))
        .phaseTwoRetry(
            dev.settle.core.RetryPolicy.builder()
                .maxAttempts(2)
                .backoff(Duration.ofMillis(5), Duration.ofMillis(10))
                .build())
        .build();
  }

  private Outcome run(long amount) {
    return coordinator().execute(SagaRequest.of(definition()).with(AMOUNT, amount));
  }

  @Test
  void aCompensationThatKeepsFailingIsInDoubtAndRecoveryReachesTheRemoteStepAgain() {
    credit.refuse = true;
    debit.failCompensations = true; // the debit's shard answers 500 to every compensation
    SagaCoordinator first = coordinator();
    assertThat(first.execute(SagaRequest.of(definition()).with(AMOUNT, 30L)))
        .isInstanceOf(Outcome.InDoubt.class);
    assertThat(debit.balance).hasValue(70);
    first.close();

    debit.failCompensations = false;
    // A restarted coordinator: the definition rebuilt with new remote steps, the same log.
    assertThat(coordinator().recover()).singleElement().isInstanceOf(Outcome.RolledBack.class);
    assertThat(debit.balance).hasValue(100);
    assertThat(debit.compensations).hasValue(1);
  }

  private SagaDefinition definition() {
    RemoteSagaStep d = step(URI.create(server1.uri() + "/debit"));
    // Credit: the balance goes up by the amount, so its action sends the negated amount.
    RemoteSagaStep c =
        RemoteSagaStep.builder(URI.create(server2.uri() + "/credit"))
            .payload(ctx -> Long.toString(-ctx.get(AMOUNT)).getBytes(StandardCharsets.UTF_8))
            .callTimeout(Duration.ofMillis(800))
            .build();
    return SagaDefinition.builder("transfer")
            .step("debit", d.action(), d.compensation())
            .step("credit", c.action(), c.compensation())
            .build();
  }

  @Test
  void bothStepsRunRemotely() {
    assertThat(run(30)).isInstanceOf(Outcome.Committed.class);
    assertThat(debit.balance).hasValue(70);
    assertThat(credit.balance).hasValue(130);
    assertThat(debit.compensations).hasValue(0);
  }

  @Test
  void aRefusedStepIsNotCompensatedButTheOnesBeforeItAre() {
    credit.refuse = true;
    assertThat(run(30)).isInstanceOf(Outcome.RolledBack.class);
    assertThat(debit.actions).hasValue(1);
    assertThat(debit.compensations).hasValue(1);
    assertThat(debit.balance).hasValue(100);
    assertThat(credit.compensations).hasValue(0);
    assertThat(credit.balance).hasValue(100);
  }

  @Test
  void aStepWhoseOutcomeIsUnknownIsCompensatedAndItsLateActionNeverRuns() throws Exception {
    server2.delayMillis.put("action", 2_000L);
    assertThat(run(30)).isInstanceOf(Outcome.RolledBack.class);
    assertThat(debit.balance).hasValue(100);
    // The late action reaches the endpoint after its deadline, or after the compensation left the
    // flag: either way it is refused and the credit never happens.
    assertThat(server2.delayedAnswers.poll(5, TimeUnit.SECONDS)).isIn(409, 503);
    assertThat(credit.actions).hasValue(0);
    assertThat(credit.balance).hasValue(100);
  }
}
