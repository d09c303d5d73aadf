package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.twopc.TwoPhaseCoordinator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Beans from properties, replaced by the application's own, and a clear failure for each bad
 * setting. Context runners start the auto-configuration alone, as an application would.
 */
class SettleAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SettleAutoConfiguration.class))
          .withPropertyValues("settle.log.type=memory", "settle.recovery.interval=0s");

  @Test
  void everyCoordinatorIsBuiltFromProperties() {
    runner
        .withPropertyValues("settle.tcc.try-timeout=2s", "settle.tcc.transaction-timeout=7s")
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(TransactionLog.class)
                  .hasSingleBean(TccCoordinator.class)
                  .hasSingleBean(SagaCoordinator.class)
                  .hasSingleBean(TwoPhaseCoordinator.class)
                  .hasSingleBean(SettleRecovery.class);
              assertThat(context.getBean(TransactionLog.class)).isInstanceOf(InMemoryTransactionLog.class);
              assertThat(context.getBean(TccCoordinator.class).toString())
                  .contains("tryTimeout=PT2S", "transactionTimeout=PT7S");
              assertThat(context.getBean(SettleRecovery.class).isRunning()).isTrue();
              // Boot's web server starts at DEFAULT_PHASE - 1024: recovery first, so start-up
              // recovery is done before the first request.
              assertThat(context.getBean(SettleRecovery.class).getPhase())
                  .isLessThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024);
            });
  }

  @Test
  void theApplicationsOwnBeansReplaceTheStartersOwn() {
    InMemoryTransactionLog own = new InMemoryTransactionLog();
    runner
        .withBean("myLog", TransactionLog.class, () -> own)
        .run(context -> assertThat(context.getBean(TransactionLog.class)).isSameAs(own));
  }

  @Test
  void theFileLogIsWrittenInTheConfiguredDirectory(@TempDir Path dir) {
    runner
        .withPropertyValues("settle.log.type=file", "settle.log.dir=" + dir)
        .withBean(Counting.class, Counting::new)
        .run(
            context -> {
              assertThat(context.getBean(TransactionLog.class)).isInstanceOf(FileTransactionLog.class);
              Outcome outcome = transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class));
              assertThat(outcome).isInstanceOf(Outcome.Committed.class);
              try (Stream<Path> files = Files.list(dir)) {
                assertThat(files).isNotEmpty();
              }
            });
  }

  @Test
  void aParticipantBeanIsFoundAgainByNameAfterARestart(@TempDir Path dir) {
    Counting failing = new Counting();
    failing.failConfirms = true;
    ApplicationContextRunner onFiles =
        runner.withPropertyValues("settle.log.type=file", "settle.log.dir=" + dir, "settle.retry.max-attempts=1");
    onFiles
        .withBean(Counting.class, () -> failing)
        .run(context -> assertThat(transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class)))
            .isInstanceOf(Outcome.InDoubt.class));

    Counting healthy = new Counting();
    onFiles
        .withBean(Counting.class, () -> healthy)
        .run(context -> assertThat(healthy.confirms.get()).isEqualTo(1)); // recovered at start-up
  }

  @Test
  void meterRegistryGetsSettlesMeters() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(Counting.class, Counting::new)
        .run(
            context -> {
              transfer(context.getBean(TccCoordinator.class), context.getBean(TccParticipants.class));
              assertThat(context.getBean(MeterRegistry.class).find("settle.branch.calls").tag("protocol", "tcc").timer())
                  .isNotNull()
                  .satisfies(t -> assertThat(t.count()).isEqualTo(1));
            });
  }

  @Test
  void settleEnabledFalseTurnsTheStarterOff() {
    runner
        .withPropertyValues("settle.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(TccCoordinator.class).doesNotHaveBean(TransactionLog.class));
  }

  @Test
  void aBadSettingStopsTheApplicationNamingTheProperty() {
    runner
        .withPropertyValues("settle.call-timeout=-1s")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("settle.call-timeout"));
    runner
        .withPropertyValues("settle.retry.max-attempts=0")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("settle.retry.max-attempts"));
  }

  @Test
  void aNodeNameTooLongForXaIsRefusedWithTheReason() {
    runner
        .withPropertyValues("settle.node-name=a-name-far-too-long-for-xa")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("settle.node-name")
            .hasMessageContaining("at most 16 characters"));
  }

  @Test
  void settingsTheLibraryChecksAreRefusedNamingTheProperty() {
    runner
        .withPropertyValues("settle.retry.initial-backoff=-1s")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("settle.retry.initial-backoff"));
    runner
        .withPropertyValues("settle.retry.initial-backoff=5s", "settle.retry.max-backoff=1s")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("max-backoff"));
    runner
        .withPropertyValues("settle.fence.table=fence; DROP TABLE accounts")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("settle.fence.table"));
    runner
        .withPropertyValues("settle.node-name=has space")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("settle.node-name"));
  }

  @Test
  void theJdbcLogWithoutADataSourceIsAClearError() {
    runner
        .withPropertyValues("settle.log.type=jdbc")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("settle.log.type=jdbc needs a DataSource"));
  }

  @Test
  void aTransactionalParticipantWithoutADataSourceIsAClearError() {
    runner
        .withBean(Bank.Credit.class, () -> new Bank.Credit(null))
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("[credit] need a DataSource"));
  }

  @Test
  void twoParticipantsWithOneNameAreRefused() {
    runner
        .withBean("first", Counting.class, Counting::new)
        .withBean("second", Counting.class, Counting::new)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("two TCC participant beans are named \"counting\""));
  }

  @Test
  void everyPropertyIsDescribedInTheMetadataIdesRead() throws Exception {
    String metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("spring-configuration-metadata.json on the class path").isNotNull();
      metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String property :
        List.of(
            "settle.enabled", "settle.node-name", "settle.call-timeout", "settle.log.type", "settle.log.dir",
            "settle.log.create-schema", "settle.log.lease", "settle.tcc.try-timeout",
            "settle.tcc.transaction-timeout", "settle.retry.max-attempts", "settle.retry.initial-backoff",
            "settle.retry.max-backoff", "settle.retry.max-duration", "settle.recovery.on-startup",
            "settle.recovery.interval", "settle.fence.table", "settle.fence.create-schema",
            "settle.health.in-doubt-tolerance")) {
      assertThat(metadata).as(property).contains("\"name\": \"" + property + "\"");
    }
  }

  private static Outcome transfer(TccCoordinator coordinator, TccParticipants participants) {
    return coordinator.execute(
        TccTransaction.builder().branch("only", participants.get("counting"), new byte[0]).build());
  }

  /** Counts confirms; fails them while {@link #failConfirms}. */
  static final class Counting implements TccParticipant {
    final AtomicInteger confirms = new AtomicInteger();
    volatile boolean failConfirms;

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      if (failConfirms) {
        throw new IllegalStateException("confirm unavailable");
      }
      confirms.incrementAndGet();
    }

    @Override
    public void cancel(TccContext context) {}
  }
}
