package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchState;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.Outcome;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The starter when things go wrong around it: errors in passes, heuristics, peers, callers. */
@ExtendWith(OutputCaptureExtension.class)
class StarterUnderFailuresTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SettleAutoConfiguration.class))
          .withPropertyValues("settle.log.type=memory", "settle.retry.max-attempts=1");

  @Test
  void anErrorInAScheduledPassDoesNotStopTheSchedule() {
    Confirming participant = new Confirming();
    runner
        .withPropertyValues("settle.recovery.interval=100ms")
        .withBean(Confirming.class, () -> participant)
        .run(
            context -> {
              participant.failures.set(1); // execute's confirm fails: in doubt
              participant.errors.set(1); // then one recovery pass meets an Error
              assertThat(transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class)))
                  .isInstanceOf(Outcome.InDoubt.class);
              SettleRecovery recovery = context.getBean(SettleRecovery.class);
              long until = System.currentTimeMillis() + 10_000;
              // Until a later pass confirmed and that pass has ended (it clears the failure then).
              while ((participant.confirms.get() == 0 || recovery.lastFailure() != null)
                  && System.currentTimeMillis() < until) {
                Thread.sleep(50);
              }
              assertThat(participant.errors.get()).as("the Error was thrown").isZero();
              assertThat(participant.confirms.get()).as("a later pass confirmed").isEqualTo(1);
              assertThat(context.getBean(SettleHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
            });
  }

  @Test
  void aHeuristicOutcomeIsShownButDoesNotHoldHealthDown() {
    Confirming participant = new Confirming();
    runner
        .withPropertyValues("settle.recovery.interval=0s", "settle.health.in-doubt-tolerance=0s")
        .withBean(Confirming.class, () -> participant)
        .run(
            context -> {
              participant.heuristic = true;
              Outcome outcome = transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class));
              assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
              var health = context.getBean(SettleHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails().get("recentHeuristics").toString())
                  .contains(outcome.transactionId().value());
            });
  }

  @Test
  void aCoordinatorOfTheApplicationsOwnIsSeenByHealthThroughTheListener() {
    runner
        .withPropertyValues("settle.recovery.interval=0s", "settle.health.in-doubt-tolerance=0s")
        .withUserConfiguration(OwnCoordinator.class)
        .run(
            context -> {
              OwnCoordinator own = context.getBean(OwnCoordinator.class);
              own.participant.failures.set(1);
              Outcome outcome =
                  context.getBean(TccCoordinator.class)
                      .execute(TccTransaction.builder().branch("only", own.participant, new byte[0]).build());
              assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
              assertThat(context.getBean(SettleHealthIndicator.class).health().getDetails()).containsEntry("inDoubt", 1);
              assertThat(context.getBean(SettleHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
            });
  }

  @Test
  void executeInsideASpringTransactionIsWarnedAbout(CapturedOutput output) {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                SettleAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=jdbc:h2:mem:inside-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
            "settle.log.type=memory",
            "settle.recovery.interval=0s")
        .withBean(Confirming.class, Confirming::new)
        .run(
            context -> {
              TransactionTemplate outer = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
              Outcome outcome =
                  outer.execute(status -> transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class)));
              assertThat(outcome).isInstanceOf(Outcome.Committed.class);
              assertThat(output).contains("TccCoordinator.execute was called inside a Spring-managed transaction");
            });
  }

  @Test
  void theEndpointOnTheSharedLogClaimsNothingAndExplainsEndedTransactions() {
    String url = "jdbc:h2:mem:endpoint-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    ApplicationContextRunner shared =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SettleAutoConfiguration.class))
            .withPropertyValues(
                "spring.datasource.url=" + url,
                "settle.log.type=jdbc",
                "settle.log.create-schema=true",
                "settle.retry.max-attempts=1",
                "settle.recovery.interval=0s",
                "settle.recovery.on-startup=false");
    Confirming failing = new Confirming();
    failing.failures.set(Integer.MAX_VALUE);
    String[] left = new String[1];
    shared
        .withPropertyValues("settle.node-name=node-a")
        .withBean(Confirming.class, () -> failing)
        .run(context -> left[0] =
            transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class)).transactionId().value());

    shared
        .withPropertyValues("settle.node-name=node-b")
        .withBean(Confirming.class, Confirming::new)
        .run(
            context -> {
              SettleEndpoint endpoint = context.getBean(SettleEndpoint.class);
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> unfinished = (List<Map<String, Object>>) endpoint.unfinished().get("unfinished");
              assertThat(unfinished).singleElement().satisfies(t -> assertThat(t).containsEntry("transactionId", left[0]));
              JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
              assertThat(jdbc.queryForObject("SELECT owner_node FROM settle_tx WHERE tx_id = ?", String.class, left[0]))
                  .as("still node-a's: looking claims nothing")
                  .isEqualTo("node-a");

              Outcome committed = transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class));
              assertThat(endpoint.explain(committed.transactionId().value()))
                  .as("an ended transaction, explained from the history")
                  .isNotNull()
                  .containsEntry("outcome", "committed");
            });
  }

  private static Outcome transfer(TccCoordinator coordinator, TccParticipants participants) {
    return coordinator.execute(TccTransaction.builder().branch("only", participants.get("confirming"), new byte[0]).build());
  }

  /** Confirms, after failing {@link #failures} times, throwing {@link #errors} Errors, or answering heuristically. */
  static final class Confirming implements TccParticipant {
    final AtomicInteger confirms = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    volatile boolean heuristic;

    @Override
    public String name() {
      return "confirming";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throw new IllegalStateException("confirm unavailable");
      }
      if (errors.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        throw new AssertionError("a participant's Error");
      }
      if (heuristic) {
        throw new HeuristicBranchException(
            context.transactionId(), context.branchId(), BranchState.ROLLED_BACK, "the resource rolled back on its own", null);
      }
      confirms.incrementAndGet();
    }

    @Override
    public void cancel(TccContext context) {}
  }

  /** An application that builds its own TCC coordinator and adds the starter's listener to it. */
  static class OwnCoordinator {
    final Confirming participant = new Confirming();

    @org.springframework.context.annotation.Bean
    TccCoordinator ownTccCoordinator(InDoubtTransactions inDoubt) {
      return TccCoordinator.builder()
          .listener(inDoubt)
          .phaseTwoRetry(dev.settle.core.RetryPolicy.none())
          .participant(participant)
          .build();
    }
  }
}
