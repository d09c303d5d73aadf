package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.ManualClock;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {
  @Test
  void aThrowingListenerIsIsolatedAndTheOthersStillHearEveryEvent() {
    List<TransactionEvent> heard = new ArrayList<>();
    TransactionListener broken =
        e -> {
          throw new IllegalStateException("listener bug");
        };
    EventDispatcher dispatcher =
        new EventDispatcher(new ManualClock(1_000), List.of(broken, heard::add));
    TransactionId tx = TransactionId.of("t");
    dispatcher.publish(tx, EventType.TRANSACTION_BEGUN, "");
    dispatcher.publish(tx, BranchId.of("b"), EventType.BRANCH_PREPARED, "vote yes");
    assertThat(heard).extracting(TransactionEvent::type)
        .containsExactly(EventType.TRANSACTION_BEGUN, EventType.BRANCH_PREPARED);
    assertThat(heard.get(1).branchId()).isEqualTo(BranchId.of("b"));
    assertThat(heard.get(1).time()).isEqualTo(Instant.ofEpochMilli(1_000));
    assertThat(heard.get(1).detail()).isEqualTo("vote yes");
  }
  /**
   * The event that ends a transaction (or leaves it in doubt, or lost to another node) carries
   * how long it took since it began or since recovery took it on; other events carry none.
   */
  @Test
  void theEndingEventCarriesTheTimeSinceTheStart() {
    List<TransactionEvent> heard = new ArrayList<>();
    ManualClock clock = new ManualClock(1_000);
    EventDispatcher dispatcher = new EventDispatcher(clock, List.of(heard::add));
    TransactionId tx = TransactionId.of("t");
    dispatcher.publish(tx, EventType.TRANSACTION_BEGUN, "");
    clock.advance(java.time.Duration.ofMillis(5));
    dispatcher.publish(tx, BranchId.of("b"), EventType.BRANCH_COMMITTED, "");
    dispatcher.publish(tx, EventType.DECIDED_COMMIT, "");
    clock.advance(java.time.Duration.ofMillis(2));
    dispatcher.publish(tx, EventType.TRANSACTION_COMMITTED, "");
    assertThat(heard).extracting(TransactionEvent::elapsed)
        .containsExactly(null, null, null, java.time.Duration.ofMillis(7));

    TransactionId recovered = TransactionId.of("r");
    dispatcher.publish(recovered, EventType.TRANSACTION_RECOVERING, "resumed");
    clock.advance(java.time.Duration.ofMillis(3));
    // A branch event of the ending type's name does not end it; the transaction's own does.
    dispatcher.publish(recovered, BranchId.of("b"), EventType.TRANSACTION_ROLLED_BACK, "");
    dispatcher.publish(recovered, EventType.TRANSACTION_ROLLED_BACK, "");
    assertThat(heard.get(heard.size() - 2).elapsed()).isNull();
    assertThat(heard.get(heard.size() - 1).elapsed()).isEqualTo(java.time.Duration.ofMillis(3));

    dispatcher.publish(TransactionId.of("never-begun"), EventType.TRANSACTION_HEURISTIC, "");
    assertThat(heard.get(heard.size() - 1).elapsed()).as("no start seen here").isNull();
  }
}
