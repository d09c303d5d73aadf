package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BusinessRefusalException;
import dev.settle.core.FailureKind;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Events carry the protocol, and the events that end a transaction its cause and duration. */
class EventContentTest {
  private static TccParticipant account(boolean refuse) {
    return new TccParticipant() {
      @Override
      public String name() {
        return refuse ? "refusing" : "ok";
      }

      @Override
      public void tryReserve(TccContext context) {
        if (refuse) {
          throw new BusinessRefusalException("insufficient funds");
        }
      }

      @Override
      public void confirm(TccContext context) {}

      @Override
      public void cancel(TccContext context) {}
    };
  }

  @Test
  void endingEventsCarryCauseAndElapsedTimeAndEveryEventTheProtocol() {
    List<TransactionEvent> events = new CopyOnWriteArrayList<>();
    try (TccCoordinator coordinator =
        TccCoordinator.builder().log(new InMemoryTransactionLog()).listener(events::add).build()) {
      var committed = coordinator.execute(TccTransaction.builder().branch("a", account(false), "x").build());
      var refused = coordinator.execute(TccTransaction.builder().branch("a", account(true), "x").build());

      assertThat(events).allSatisfy(e -> assertThat(e.protocol()).isEqualTo("tcc"));
      TransactionEvent began = only(events, committed.transactionId().value(), EventType.TRANSACTION_BEGUN);
      assertThat(began.elapsed()).isNull();
      TransactionEvent commit = only(events, committed.transactionId().value(), EventType.TRANSACTION_COMMITTED);
      assertThat(commit.cause()).isNull();
      assertThat(commit.elapsed()).isNotNull().isGreaterThanOrEqualTo(Duration.ZERO);
      TransactionEvent rollback = only(events, refused.transactionId().value(), EventType.TRANSACTION_ROLLED_BACK);
      assertThat(rollback.cause()).isEqualTo(FailureKind.BUSINESS_REFUSAL);
      assertThat(rollback.elapsed()).isNotNull();
      assertThat(events).filteredOn(e -> e.branchId() != null).allSatisfy(e -> assertThat(e.elapsed()).isNull());
    }
  }

  private static TransactionEvent only(List<TransactionEvent> events, String tx, EventType type) {
    return events.stream()
        .filter(e -> e.transactionId().value().equals(tx) && e.type() == type)
        .reduce((a, b) -> {
          throw new AssertionError("two " + type + " events for " + tx);
        })
        .orElseThrow(() -> new AssertionError("no " + type + " event for " + tx));
  }
}
