package dev.settle.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BusinessRefusalException;
import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Observations (spans, with a tracing bridge) around execute and each phase-one call. */
class SettleObservationsTest {
  private static TccParticipant account(String name, boolean refuse) {
    return new TccParticipant() {
      @Override
      public String name() {
        return name;
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

  /** Observations started and stopped, as a tracing bridge would see them. */
  private final List<Observation.Context> started = new CopyOnWriteArrayList<>();
  private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

  private ObservationRegistry registry() {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
      @Override
      public void onStart(Observation.Context context) {
        started.add(context);
      }

      @Override
      public void onStop(Observation.Context context) {
        stopped.add(context);
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
    return registry;
  }

  private List<Observation.Context> named(String name) {
    return stopped.stream().filter(c -> c.getName().equals(name)).toList();
  }

  private static String key(Observation.Context context, String key) {
    var value = context.getLowCardinalityKeyValue(key);
    return value == null ? "" : value.getValue();
  }

  @Test
  void eachTransactionIsAnObservationWithItsOutcomeAndEachTryAChildOfIt() {
    ObservationRegistry registry = registry();
    TccParticipant ok = account("ok", false);
    TccParticipant refusing = account("refusing", true);
    Coordinator<TccTransaction> coordinator =
        SettleMetrics.observed(
            TccCoordinator.builder()
                .log(new InMemoryTransactionLog())
                .listener(SettleMetrics.observingListener("tcc", registry))
                .build(),
            "tcc",
            registry);

    Outcome committed = coordinator.execute(TccTransaction.builder().branch("a", ok, "x").branch("b", ok, "y").build());
    Outcome refused = coordinator.execute(TccTransaction.builder().branch("a", refusing, "x").build());
    assertThat(committed).isInstanceOf(Outcome.Committed.class);
    assertThat(refused).isInstanceOf(Outcome.RolledBack.class);

    List<Observation.Context> transactions = named("settle.transaction");
    assertThat(transactions).hasSize(2);
    assertThat(transactions).extracting(c -> key(c, "outcome")).containsExactly("committed", "rolled_back");
    assertThat(transactions).extracting(c -> key(c, "cause")).containsExactly("none", "business_refusal");
    assertThat(transactions.get(0).getHighCardinalityKeyValue("transaction.id").getValue())
        .isEqualTo(committed.transactionId().value());

    List<Observation.Context> calls = named("settle.branch.call");
    assertThat(calls).hasSize(3);
    assertThat(calls).extracting(c -> key(c, "result")).containsExactlyInAnyOrder("ok", "ok", "failed");
    for (Observation.Context call : calls) {
      assertThat(call.getParentObservation()).as("a Try's parent").isNotNull();
      assertThat(call.getParentObservation().getContextView().getName()).isEqualTo("settle.transaction");
    }
    assertThat(stopped).as("every observation started is stopped").containsExactlyInAnyOrderElementsOf(started);
  }

  @Test
  void nullsAreRefusedByName() {
    TccCoordinator tcc = TccCoordinator.builder().log(new InMemoryTransactionLog()).build();
    assertThatThrownBy(() -> SettleMetrics.observed(tcc, "tcc", null)).hasMessageContaining("registry");
    assertThatThrownBy(() -> SettleMetrics.observingListener("", ObservationRegistry.create()))
        .hasMessageContaining("protocol");
  }
}
