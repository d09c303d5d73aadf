package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import dev.settle.testsupport.ThrowawayPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Closing a service on the shared JDBC log releases its lease, so a peer replica takes its
 * unfinished transactions over at once, at its own start, instead of after the lease (an hour
 * here, so the test can only pass through the release).
 */
class GracefulShutdownReleasesTheLeaseTest {
  @Test
  void aPeerStartedAfterAGracefulShutdownFinishesTheTransactionsLeftInDoubt() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    ApplicationContextRunner onPostgres =
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, SettleAutoConfiguration.class))
            .withPropertyValues(
                "spring.datasource.url=" + pg.database("settle_boot_lease"),
                "spring.datasource.username=" + pg.user(),
                "spring.datasource.password=" + pg.password(),
                "settle.log.type=jdbc",
                "settle.log.create-schema=true",
                "settle.log.lease=1h",
                "settle.retry.max-attempts=1",
                "settle.recovery.interval=0s");
    SettleAutoConfigurationTest.Counting failing = new SettleAutoConfigurationTest.Counting();
    failing.failConfirms = true;
    onPostgres
        .withPropertyValues("settle.node-name=boot-a")
        .withBean(SettleAutoConfigurationTest.Counting.class, () -> failing)
        .run(
            context -> {
              Outcome outcome =
                  context.getBean(TccCoordinator.class)
                      .execute(
                          TccTransaction.builder()
                              .branch("only", context.getBean(TccParticipants.class).get("counting"), new byte[0])
                              .build());
              assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
            }); // closed here: the lease is released

    SettleAutoConfigurationTest.Counting healthy = new SettleAutoConfigurationTest.Counting();
    onPostgres
        .withPropertyValues("settle.node-name=boot-b")
        .withBean(SettleAutoConfigurationTest.Counting.class, () -> healthy)
        .run(context -> assertThat(healthy.confirms.get()).as("confirms by the peer at its start").isEqualTo(1));
  }
}
