package dev.settle.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A compensation left in doubt stops the backward pass: compensating an earlier step before a
 * later one is undone would break the saga's reverse order (found by the testkit's interrupt
 * fault, {@code SagaInterruptSimulationTest}).
 */
class CompensationOrderTest {
  @Test
  void aCompensationLeftInDoubtHoldsBackTheEarlierOnesUntilRecovery() {
    List<String> undone = new ArrayList<>();
    AtomicBoolean reachable = new AtomicBoolean(false);
    SagaDefinition definition =
        SagaDefinition.builder("order")
            .step("a", ctx -> {}, ctx -> undone.add("a"))
            .step(
                "b",
                ctx -> {},
                ctx -> {
                  if (!reachable.get()) {
                    throw new IllegalStateException("b's service is down");
                  }
                  undone.add("b");
                })
            .step("c", ctx -> { throw new IllegalStateException("refused"); }, ctx -> {}, RetryPolicy.none())
            .build();
    SagaCoordinator sagas =
        SagaCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .definition(definition)
            .phaseTwoRetry(RetryPolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build())
            .build();

    Outcome outcome = sagas.execute(SagaRequest.of(definition));

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(outcome.branches())
        .containsEntry(BranchId.of("b"), BranchState.IN_DOUBT)
        .containsEntry(BranchId.of("a"), BranchState.IN_DOUBT);
    assertThat(undone).isEmpty(); // a waits for b

    reachable.set(true);
    List<Outcome> recovered = sagas.recover();

    assertThat(recovered).singleElement().isInstanceOf(Outcome.RolledBack.class);
    assertThat(undone).containsExactly("b", "a");
  }
}
