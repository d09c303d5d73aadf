package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One registration rule for every protocol: a participant used by {@code execute} is known to the
 * same coordinator's recovery (before, TCC knew only builder-registered participants while 2PC and
 * sagas knew both); after a restart, a participant that was not registered again is named.
 */
class RegistrationRuleTest {
  /** Confirms only once the test lets it. */
  private static final class Flaky implements TccParticipant {
    final AtomicBoolean up = new AtomicBoolean(false);
    int confirms;

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      if (!up.get()) {
        throw new IllegalStateException("down");
      }
      confirms++;
    }

    @Override
    public void cancel(TccContext context) {}
  }

  @Test
  void aParticipantUsedByExecuteIsFoundByTheSameCoordinatorsRecovery() {
    Flaky flaky = new Flaky();
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .phaseTwoRetry(RetryPolicy.none())
            .build(); // flaky is not registered on the builder

    Outcome first = coordinator.execute(TccTransaction.builder().branch("b", flaky, "x").build());
    assertThat(first).isInstanceOf(Outcome.InDoubt.class);

    flaky.up.set(true);
    assertThat(coordinator.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(flaky.confirms).isEqualTo(1);
  }

  @Test
  void afterARestartAParticipantNotRegisteredAgainIsNamed() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    Flaky flaky = new Flaky();
    TccCoordinator before =
        TccCoordinator.builder().log(log).phaseTwoRetry(RetryPolicy.none()).participant(flaky).build();
    before.execute(TccTransaction.builder().branch("b", flaky, "x").build());
    before.close();

    List<TransactionEvent> events = new ArrayList<>();
    TccCoordinator after = TccCoordinator.builder().log(log).listener(events::add).build();
    List<Outcome> recovered = after.recover();

    assertThat(recovered).singleElement().isInstanceOf(Outcome.InDoubt.class);
    assertThat(events)
        .filteredOn(e -> e.type() == EventType.BRANCH_IN_DOUBT)
        .singleElement()
        .satisfies(e -> assertThat(e.detail()).contains("\"flaky\"").contains("register it on the builder"));
  }
}
