package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.saga.spi.SagaContext;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.spi.Vote;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Saga definitions and 2PC participants declared as beans are registered with their coordinators
 * and found again by name by the next start's recovery.
 */
class ProtocolBeansTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SettleAutoConfiguration.class))
          .withPropertyValues("settle.recovery.interval=0s", "settle.retry.max-attempts=1");

  @Test
  void aSagaDefinitionBeanIsRunAndItsUnfinishedCompensationFinishedAfterARestart(@TempDir Path dir) {
    AtomicInteger compensations = new AtomicInteger();
    Steps broken = new Steps(compensations, true);
    ApplicationContextRunner onFiles = runner.withPropertyValues("settle.log.dir=" + dir);
    onFiles
        .withBean(SagaDefinition.class, broken::definition)
        .run(
            context -> {
              SagaDefinition order = context.getBean(SagaDefinition.class);
              Outcome outcome = context.getBean(SagaCoordinator.class).execute(SagaRequest.of(order));
              assertThat(outcome).isInstanceOf(Outcome.InDoubt.class); // the refund could not run
            });

    Steps repaired = new Steps(compensations, false);
    onFiles
        .withBean(SagaDefinition.class, repaired::definition)
        .run(context -> assertThat(compensations.get()).as("refunds after the restart").isEqualTo(1));
  }

  @Test
  void aTwoPhaseParticipantBeanIsFoundAgainByNameAfterARestart(@TempDir Path dir) {
    Resource failing = new Resource(true);
    ApplicationContextRunner onFiles = runner.withPropertyValues("settle.log.dir=" + dir);
    onFiles
        .withBean("first", Resource.class, () -> failing)
        .run(
            context -> {
              Outcome outcome =
                  context.getBean(TwoPhaseCoordinator.class)
                      .execute(TwoPhaseTransaction.builder().enlist("ledger", failing).enlist("audit", failing).build());
              assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
            });

    Resource healthy = new Resource(false);
    onFiles
        .withBean("again", Resource.class, () -> healthy)
        .run(context -> assertThat(healthy.commits.get()).as("commits after the restart").isEqualTo(2));
  }

  /** A two-step saga whose payment step fails, so its reservation is refunded. */
  static final class Steps {
    private final AtomicInteger refunds;
    private final boolean refundFails;

    Steps(AtomicInteger refunds, boolean refundFails) {
      this.refunds = refunds;
      this.refundFails = refundFails;
    }

    SagaDefinition definition() {
      return SagaDefinition.builder("order")
          .step("reserve", ctx -> {}, this::refund)
          .step("pay", ctx -> { throw new IllegalStateException("card declined"); }, ctx -> {})
          .build();
    }

    private void refund(SagaContext context) {
      if (refundFails) {
        throw new IllegalStateException("refund service down");
      }
      refunds.incrementAndGet();
    }
  }

  /** A resource that prepares and, while {@code failing}, cannot commit. */
  static final class Resource implements TwoPhaseParticipant {
    final AtomicInteger commits = new AtomicInteger();
    private final boolean failing;

    Resource(boolean failing) {
      this.failing = failing;
    }

    @Override
    public String name() {
      return "ledger-db";
    }

    @Override
    public Vote prepare(TwoPhaseContext context) {
      return Vote.PREPARED;
    }

    @Override
    public void commit(TwoPhaseContext context, boolean onePhase) {
      if (failing) {
        throw new IllegalStateException("ledger unreachable");
      }
      commits.incrementAndGet();
    }

    @Override
    public void rollback(TwoPhaseContext context) {}
  }
}
