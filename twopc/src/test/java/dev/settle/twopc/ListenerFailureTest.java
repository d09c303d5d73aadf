package dev.settle.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.event.EventType;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** No listener failure changes a two-phase commit, an Error included (issue 13, defect 8). */
class ListenerFailureTest {
  @Test
  void aListenerThrowingAssertionErrorOnEveryEventChangesNothing() {
    Node a = new Node("a");
    Node b = new Node("b");
    List<EventType> thrownOn = new ArrayList<>();
    List<EventType> heardByTheNext = new ArrayList<>();
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    TwoPhaseCoordinator coordinator =
        TwoPhaseCoordinator.builder()
            .log(log)
            .executor(Runnable::run)
            .scheduler(d -> {})
            .random(new Random(3))
            .participant(a)
            .participant(b)
            .listener(
                e -> {
                  thrownOn.add(e.type());
                  throw new AssertionError("listener bug on " + e.type());
                })
            .listener(e -> heardByTheNext.add(e.type()))
            .build();

    Outcome outcome =
        coordinator.execute(TwoPhaseTransaction.builder().enlist("a", a).enlist("b", b).build());

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches())
        .containsEntry(BranchId.of("a"), BranchState.COMMITTED)
        .containsEntry(BranchId.of("b"), BranchState.COMMITTED);
    assertThat(a.state(outcome.transactionId())).isEqualTo(Node.State.COMMITTED);
    assertThat(b.state(outcome.transactionId())).isEqualTo(Node.State.COMMITTED);
    assertThat(LogReplay.all(log).get(outcome.transactionId()).ended()).isTrue();
    assertThat(thrownOn).contains(EventType.DECIDED_COMMIT).endsWith(EventType.TRANSACTION_COMMITTED);
    assertThat(heardByTheNext).isEqualTo(thrownOn);
  }
}
