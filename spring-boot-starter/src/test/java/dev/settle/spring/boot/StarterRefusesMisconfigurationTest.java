package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Set-ups that would fail later, one transfer at a time, stop the application at start-up
 * instead, with a message that says what to set.
 */
class StarterRefusesMisconfigurationTest {
  private final ApplicationContextRunner onH2 =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  DataSourceAutoConfiguration.class,
                  DataSourceTransactionManagerAutoConfiguration.class,
                  SettleAutoConfiguration.class))
          .withPropertyValues(
              "spring.datasource.url=jdbc:h2:mem:misconfigured-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
              "settle.recovery.interval=0s");

  @Test
  void theSharedLogWithoutANodeNameIsRefusedBecauseReplicasWouldFenceEachOther() {
    onH2.withPropertyValues("settle.log.type=jdbc", "settle.log.create-schema=true")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("settle.log.type=jdbc needs settle.node-name")
            .hasMessageContaining("fence each other"));
  }

  @Test
  void theSharedLogWithoutItsTablesPointsAtTheProperty() {
    onH2.withPropertyValues("settle.log.type=jdbc", "settle.node-name=replica-1")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("settle.log.create-schema=true"));
  }

  @Test
  void aShortLeaseWorksBecauseTheHeartbeatFollowsIt() {
    onH2.withPropertyValues(
            "settle.log.type=jdbc", "settle.log.create-schema=true", "settle.node-name=replica-1", "settle.log.lease=2s")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void aMissingFenceTableIsFoundAtStartUpNotAtTheFirstTransfer() {
    onH2.withPropertyValues("settle.log.type=memory")
        .withBean(Bank.Credit.class, () -> new Bank.Credit(new JdbcTemplate()))
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("the fence table settle_tcc_fence that TransactionalTccParticipant beans [credit] need")
            .hasStackTraceContaining("settle.fence.create-schema=true"));
  }

  @Test
  void aBeanThatIsBothKindsOfParticipantIsRefused() {
    onH2.withPropertyValues("settle.log.type=memory", "settle.fence.create-schema=true")
        .withBean(Both.class, Both::new)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("is both a TccParticipant and a TransactionalTccParticipant"));
  }

  @Test
  void aRecoveryIntervalOutsideItsRangeIsRefusedNamingTheProperty() {
    for (String interval : new String[] {"50ms", "2d", "-1s"}) {
      onH2.withPropertyValues("settle.log.type=memory", "settle.recovery.interval=" + interval)
          .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
              .hasMessageContaining("settle.recovery.interval"));
    }
  }

  @Test
  void aLeaseUnderASecondIsRefusedNamingTheProperty() {
    onH2.withPropertyValues("settle.log.lease=500ms")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("settle.log.lease"));
  }

  /** Implements both participant types: the starter cannot tell which the author meant. */
  static final class Both implements TccParticipant, TransactionalTccParticipant {
    @Override
    public String name() {
      return "both";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {}

    @Override
    public void cancel(TccContext context) {}
  }
}
