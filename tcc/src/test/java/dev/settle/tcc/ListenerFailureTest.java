package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.event.EventType;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.tcc.fence.FenceState;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** No listener failure changes a TCC transaction, an Error included (issue 13, defect 8). */
class ListenerFailureTest {
  @Test
  void aListenerThrowingAssertionErrorOnEveryEventChangesNothing() {
    InMemoryTccFence fence = new InMemoryTccFence(Clock.systemUTC(), Duration.ofMinutes(1));
    Ledger node1 = new Ledger("node1").open("A", 500);
    Ledger node2 = new Ledger("node2").open("C", 0);
    TccParticipant shard1 = fence.protect(node1);
    TccParticipant shard2 = fence.protect(node2);
    List<EventType> thrownOn = new ArrayList<>();
    List<EventType> heardByTheNext = new ArrayList<>();
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(log)
            .executor(Runnable::run)
            .scheduler(d -> {})
            .random(new Random(3))
            .participant(shard1)
            .participant(shard2)
            .listener(
                e -> {
                  thrownOn.add(e.type());
                  throw new AssertionError("listener bug on " + e.type());
                })
            .listener(e -> heardByTheNext.add(e.type()))
            .build();

    Outcome outcome =
        coordinator.execute(
            TccTransaction.builder().branch("debit", shard1, "A:-100").branch("credit", shard2, "C:100").build());

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches())
        .containsEntry(BranchId.of("debit"), BranchState.COMMITTED)
        .containsEntry(BranchId.of("credit"), BranchState.COMMITTED);
    assertThat(node1.available("A")).isEqualTo(400);
    assertThat(node2.available("C")).isEqualTo(100);
    assertThat(node1.held() + node2.held()).as("reservations held").isZero();
    assertThat(fence.state(outcome.transactionId(), BranchId.of("debit"))).contains(FenceState.CONFIRMED);
    assertThat(fence.state(outcome.transactionId(), BranchId.of("credit"))).contains(FenceState.CONFIRMED);
    assertThat(LogReplay.all(log).get(outcome.transactionId()).ended()).isTrue();
    assertThat(thrownOn).contains(EventType.DECIDED_COMMIT).endsWith(EventType.TRANSACTION_COMMITTED);
    assertThat(heardByTheNext).isEqualTo(thrownOn);
  }
}
