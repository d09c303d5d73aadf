package dev.settle.saga;

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

/** No listener failure changes a saga, an Error included (issue 13, defect 8). */
class ListenerFailureTest {
  @Test
  void aListenerThrowingAssertionErrorOnEveryEventChangesNothing() {
    Shop shop = new Shop();
    SagaDefinition saga = shop.saga("three", 3);
    List<EventType> thrownOn = new ArrayList<>();
    List<EventType> heardByTheNext = new ArrayList<>();
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    SagaCoordinator coordinator =
        SagaCoordinator.builder()
            .log(log)
            .executor(Runnable::run)
            .scheduler(d -> {})
            .random(new Random(3))
            .definition(saga)
            .listener(
                e -> {
                  thrownOn.add(e.type());
                  throw new AssertionError("listener bug on " + e.type());
                })
            .listener(e -> heardByTheNext.add(e.type()))
            .build();

    Outcome outcome = coordinator.execute(SagaRequest.of(saga));

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches())
        .containsEntry(BranchId.of("s0"), BranchState.COMMITTED)
        .containsEntry(BranchId.of("s1"), BranchState.COMMITTED)
        .containsEntry(BranchId.of("s2"), BranchState.COMMITTED);
    String tx = outcome.transactionId().value();
    assertThat(shop.applied).containsExactlyInAnyOrder(tx + "/s0", tx + "/s1", tx + "/s2");
    assertThat(shop.compensated).isEmpty();
    assertThat(LogReplay.all(log).get(outcome.transactionId()).ended()).isTrue();
    assertThat(thrownOn).contains(EventType.DECIDED_COMMIT).endsWith(EventType.TRANSACTION_COMMITTED);
    assertThat(heardByTheNext).isEqualTo(thrownOn);
  }
}
