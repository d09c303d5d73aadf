package dev.settle.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.FenceState;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCC transfers whose two shards are each behind their own loopback HTTP server. */
class TccOverHttpTest {
  private final Shard shard1 = new Shard("shard-1").open("A", 100);
  private final Shard shard2 = new Shard("shard-2").open("C", 0);
  private final InMemoryTccFence fence1 = InMemoryTccFence.create();
  private final InMemoryTccFence fence2 = InMemoryTccFence.create();
  private final JdkHttpServerEndpoint server1 =
      JdkHttpServerEndpoint.start(
          new InetSocketAddress("127.0.0.1", 0),
          ParticipantEndpoint.builder().basePath("/settle").fence(fence1).tcc(shard1).build(),
          4);
  private final WrappingServer server2 =
      new WrappingServer(
          ParticipantEndpoint.builder().basePath("/settle").fence(fence2).tcc(shard2).build());
  private final InMemoryTransactionLog log = new InMemoryTransactionLog();

  @AfterEach
  void stop() {
    server1.close();
    server2.close();
  }

  private RemoteTccParticipant remote1() {
    return RemoteTccParticipant.builder("shard-1", URI.create(server1.uri() + "/settle/shard-1"))
        .callTimeout(Duration.ofMillis(700))
        .build();
  }

  private RemoteTccParticipant remote2() {
    return RemoteTccParticipant.builder("shard-2", URI.create(server2.uri() + "/settle/shard-2"))
        .callTimeout(Duration.ofMillis(700))
        .build();
  }

  private TccCoordinator coordinator(RemoteTccParticipant p1, RemoteTccParticipant p2) {
    return TccCoordinator.builder()
        .log(log)
        .participant(p1)
        .participant(p2)
        .tryTimeout(Duration.ofMillis(1_500))
        .callTimeout(Duration.ofMillis(1_500))
        .phaseTwoRetry(
            RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build())
        .build();
  }

  private static TccTransaction transfer(RemoteTccParticipant p1, RemoteTccParticipant p2, long amount) {
    return TccTransaction.builder()
        .branch("debit-A", p1, "A:-" + amount)
        .branch("credit-C", p2, "C:" + amount)
        .build();
  }

  @Test
  void aTransferCommitsOnBothShards() {
    RemoteTccParticipant p1 = remote1();
    RemoteTccParticipant p2 = remote2();
    Outcome outcome = coordinator(p1, p2).execute(transfer(p1, p2, 30));
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(shard1.balance("A")).isEqualTo(70);
    assertThat(shard2.balance("C")).isEqualTo(30);
    assertThat(shard1.pending() + shard2.pending()).isZero();
  }

  @Test
  void aRefusedTryRollsBackEverywhere() {
    RemoteTccParticipant p1 = remote1();
    RemoteTccParticipant p2 = remote2();
    Outcome outcome = coordinator(p1, p2).execute(transfer(p1, p2, 500));
    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(((Outcome.RolledBack) outcome).reason()).contains("insufficient funds");
    assertThat(outcome.failureKind()).contains(dev.settle.core.FailureKind.BUSINESS_REFUSAL);
    assertThat(shard1.balance("A")).isEqualTo(100);
    assertThat(shard2.balance("C")).isZero();
    assertThat(shard1.pending() + shard2.pending()).isZero();
  }

  @Test
  void aTrySlowerThanTheCallTimeoutIsCancelledAndRefusedWhenItFinallyArrives() throws Exception {
    server2.delayMillis.put("try", 2_500L); // the network holds the Try past every timeout
    RemoteTccParticipant p1 = remote1();
    RemoteTccParticipant p2 = remote2();
    long start = System.nanoTime();
    Outcome outcome = coordinator(p1, p2).execute(transfer(p1, p2, 30));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_200));
    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    // The Cancel overtook the Try: the fence holds the source's flag ...
    TransactionId tx = outcome.transactionId();
    assertThat(fence2.state(tx, BranchId.of("credit-C"))).contains(FenceState.CANCELLED_BEFORE_TRY);
    // ... and the late Try, when it reaches the endpoint, is refused without touching the shard.
    assertThat(server2.delayedAnswers.poll(5, TimeUnit.SECONDS)).isEqualTo(409);
    assertThat(shard2.tries).hasValue(0);
    assertThat(shard2.pending()).isZero();
    assertThat(shard1.balance("A")).isEqualTo(100);
    assertThat(shard1.pending()).isZero();
  }

  @Test
  void aCancelIsAnsweredAtOnceWhileItsTryIsStillRunningAndTheTryUndoesItself() throws Exception {
    shard2.tryDelayMillis = 2_500; // the business code is slow, inside the endpoint
    RemoteTccParticipant p1 = remote1();
    RemoteTccParticipant p2 = remote2();
    long start = System.nanoTime();
    Outcome outcome = coordinator(p1, p2).execute(transfer(p1, p2, 30));
    // Rolled back well before the Try's business code returns: no lock made the Cancel wait.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_200));
    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(outcome.isClean()).isTrue();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (shard2.cancels.get() == 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    // The Try ran, found its Cancel recorded and undid its own effect.
    assertThat(shard2.tries).hasValue(1);
    assertThat(shard2.cancels).hasValue(1);
    assertThat(shard2.pending()).isZero();
    assertThat(fence2.state(outcome.transactionId(), BranchId.of("credit-C"))).contains(FenceState.CANCELLED);
  }

  @Test
  void aConfirmThatCannotBeDeliveredIsInDoubtAndRecoveryFindsTheRemoteParticipantByName() {
    server2.forcedStatus.put("confirm", 503);
    RemoteTccParticipant p1 = remote1();
    RemoteTccParticipant p2 = remote2();
    TccCoordinator first = coordinator(p1, p2);
    Outcome outcome = first.execute(transfer(p1, p2, 30));
    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(shard2.balance("C")).isZero();
    first.close();

    server2.forcedStatus.clear();
    // A restarted coordinator: new objects, the same names, the same log.
    TccCoordinator second = coordinator(remote1(), remote2());
    assertThat(second.recover())
        .singleElement()
        .isInstanceOf(Outcome.Committed.class);
    assertThat(shard1.balance("A")).isEqualTo(70);
    assertThat(shard2.balance("C")).isEqualTo(30);
    assertThat(shard2.confirms).hasValue(1);
  }

  @Test
  void duplicateDeliveriesOverTheWireApplyOnce() {
    RemoteTccParticipant p1 = remote1();
    TccContext ctx =
        new TccContext(
            TransactionId.of("tx-dup"),
            BranchId.of("debit-A"),
            "A:-10".getBytes(StandardCharsets.UTF_8),
            1,
            Instant.now().plusSeconds(60));
    for (int i = 0; i < 3; i++) {
      p1.tryReserve(ctx);
    }
    for (int i = 0; i < 3; i++) {
      p1.confirm(ctx);
    }
    assertThat(shard1.tries).hasValue(1);
    assertThat(shard1.confirms).hasValue(1);
    assertThat(shard1.balance("A")).isEqualTo(90);
    assertThat(fence1.state(ctx.transactionId(), ctx.branchId())).contains(FenceState.CONFIRMED);
  }
}
