package dev.settle.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One saga name means one list of steps: recovery resumes a saga by the name in its log (issue 13,
 * defect 13).
 */
class DefinitionRegistrationTest {
  private final Shop shop = new Shop();
  private final InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();

  private SagaCoordinatorBuilder builder() {
    return SagaCoordinator.builder()
        .log(log)
        .executor(Runnable::run)
        .scheduler(d -> {})
        .random(new Random(2));
  }

  @Test
  void aDifferentDefinitionUnderARegisteredNameIsRefusedBeforeAnythingRuns() {
    SagaCoordinator coordinator = builder().definition(shop.saga("order", 3)).build();

    assertThatThrownBy(() -> coordinator.execute(SagaRequest.of(shop.saga("order", 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saga \"order\"")
        .hasMessageContaining("[s0, s1, s2]")
        .hasMessageContaining("[s0, s1]");
    assertThat(shop.applied).isEmpty();
    assertThat(LogReplay.all(log)).isEmpty();
  }

  @Test
  void aNameFirstUsedByExecuteIsHeldToItsSteps() {
    SagaCoordinator coordinator = builder().build();
    assertThat(coordinator.execute(SagaRequest.of(shop.saga("order", 2))))
        .isInstanceOf(Outcome.Committed.class);

    SagaDefinition renamedStep =
        SagaDefinition.builder("order")
            .step("s0", shop.action("s0"), shop.compensation("s0"))
            .step("other", shop.action("other"), shop.compensation("other"))
            .build();
    assertThatThrownBy(() -> coordinator.execute(SagaRequest.of(renamedStep)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saga \"order\"");
    SagaDefinition parallel =
        SagaDefinition.builder("order")
            .step("s0", shop.action("s0"), shop.compensation("s0"))
            .step("s1", shop.action("s1"), shop.compensation("s1"))
            .parallelCompensation()
            .build();
    assertThatThrownBy(() -> coordinator.execute(SagaRequest.of(parallel)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallel");
    assertThat(LogReplay.all(log)).hasSize(1);
  }

  @Test
  void theSameStepsRebuiltWithNewActionsAreTheSameSaga() {
    SagaCoordinator coordinator = builder().definition(shop.saga("order", 2)).build();
    // A caller that builds its definition per request: new lambdas, same names in the same order.
    Outcome outcome = coordinator.execute(SagaRequest.of(shop.saga("order", 2)));
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(shop.applied).hasSize(2);
  }

  @Test
  void aStepWithoutANameIsReportedWithItsSagaAndPosition() {
    assertThatThrownBy(
            () -> SagaDefinition.builder("order").step("s0", ctx -> {}, ctx -> {}).step(null, ctx -> {}, ctx -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("step 2 of saga order");
    assertThatThrownBy(() -> SagaDefinition.builder("order").step(" ", ctx -> {}, ctx -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 1 of saga order");
  }
}
