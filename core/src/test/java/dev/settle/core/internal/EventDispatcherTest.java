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
}
