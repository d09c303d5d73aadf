package dev.settle.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import org.junit.jupiter.api.Test;

/** A compensated saga's outcome names the step that failed and carries what it threw. */
class RollbackCauseTest {
  private static final RuntimeException OUT_OF_STOCK = new IllegalStateException("out of stock");

  @Test
  void theFailedStepAndItsExceptionAreOnTheOutcome() {
    SagaDefinition order =
        SagaDefinition.builder("order")
            .step("charge", ctx -> {}, ctx -> {})
            .step("reserve", ctx -> {
              throw OUT_OF_STOCK;
            }, ctx -> {})
            .build();
    try (SagaCoordinator coordinator =
        SagaCoordinator.builder().log(new InMemoryTransactionLog()).definition(order).build()) {
      Outcome outcome = coordinator.execute(SagaRequest.of(order));
      assertThat(outcome)
          .isInstanceOfSatisfying(
              Outcome.RolledBack.class,
              rolledBack -> {
                assertThat(rolledBack.failedBranch()).isEqualTo(new BranchId("reserve"));
                assertThat(rolledBack.cause()).isSameAs(OUT_OF_STOCK);
              });
    }
  }
}
