package dev.settle.spring.boot;

import dev.settle.core.Coordinator;
import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionLogException;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.jdbc.JdbcTransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaCoordinatorBuilder;
import dev.settle.saga.SagaDefinition;
import dev.settle.spring.boot.internal.OutsideTransactionsTccCoordinator;
import dev.settle.spring.boot.internal.SpringFencedParticipants;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccCoordinatorBuilder;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseCoordinatorBuilder;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Settle from properties: one transaction log ({@code settle.log.type}), a TCC, a saga and a 2PC
 * coordinator on it, participants and saga definitions found as beans, recovery at start-up and
 * on a schedule. Every bean is {@code @ConditionalOnMissingBean}: define your own of the same
 * type to replace it. {@code settle.enabled=false} turns the whole starter off.
 *
 * <p>Participants are found again by name after a restart because they are beans: recovery
 * calls the participant registered under the name the log recorded.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@EnableConfigurationProperties(SettleProperties.class)
@ConditionalOnBooleanProperty(name = "settle.enabled", matchIfMissing = true)
public class SettleAutoConfiguration {

  /** The log every coordinator of this application writes to. */
  @Bean
  @ConditionalOnMissingBean
  public TransactionLog settleTransactionLog(SettleProperties properties, ObjectProvider<DataSource> dataSource) {
    SettleProperties.Log log = properties.log();
    switch (log.type()) {
      case MEMORY:
        return new InMemoryTransactionLog();
      case JDBC:
        DataSource ds = dataSource.getIfAvailable();
        if (ds == null) {
          throw new IllegalStateException(
              "settle.log.type=jdbc needs a DataSource bean (spring.datasource.*), and there is none");
        }
        String node = properties.nodeName();
        if (node == null) {
          throw new IllegalStateException(
              "settle.log.type=jdbc needs settle.node-name: a name unique to this replica and kept"
                  + " across its restarts (at most 16 characters, e.g. a StatefulSet pod's ordinal);"
                  + " replicas sharing one name would fence each other");
        }
        if (log.createSchema()) {
          JdbcTransactionLog.createSchema(ds);
        }
        try {
          return JdbcTransactionLog.builder(ds, node)
              .leaseDuration(log.lease())
              .heartbeatInterval(log.lease().dividedBy(3))
              .open();
        } catch (TransactionLogException e) {
          throw new IllegalStateException(
              e.getMessage() + " (settle.log.create-schema=true creates the tables at start-up)", e);
        }
      case FILE:
      default:
        try {
          Files.createDirectories(log.dir()); // a service's first start creates its log's home
        } catch (IOException e) {
          throw new IllegalStateException(
              "cannot create settle.log.dir " + log.dir().toAbsolutePath() + ": " + e, e);
        }
        return FileTransactionLog.builder(log.dir()).open();
    }
  }

  /** Phase-two retries, from {@code settle.retry.*}. */
  @Bean
  @ConditionalOnMissingBean
  public RetryPolicy settleRetryPolicy(SettleProperties properties) {
    SettleProperties.Retry retry = properties.retry();
    return RetryPolicy.builder()
        .maxAttempts(retry.maxAttempts())
        .backoff(retry.initialBackoff(), retry.maxBackoff())
        .maxDuration(retry.maxDuration())
        .build();
  }

  /** Tells the health indicator which transactions are in doubt. */
  @Bean
  @ConditionalOnMissingBean
  public InDoubtTransactions settleInDoubtTransactions() {
    return new InDoubtTransactions(Clock.systemUTC());
  }

  /**
   * Every {@link TccParticipant} bean, and every {@link TransactionalTccParticipant} bean behind
   * the JDBC fence, by name.
   */
  @Bean
  @ConditionalOnMissingBean
  public TccParticipants settleTccParticipants(
      ObjectProvider<TccParticipant> participants,
      ObjectProvider<TransactionalTccParticipant> transactional,
      ObjectProvider<FencedParticipants> fenced) {
    List<TransactionalTccParticipant> needFence = transactional.orderedStream().toList();
    List<TccParticipant> all = new ArrayList<>();
    for (TccParticipant p : participants.orderedStream().toList()) {
      if (p instanceof TransactionalTccParticipant) {
        throw new IllegalStateException(
            "the bean " + p + " named \"" + p.name() + "\" is both a TccParticipant and a"
                + " TransactionalTccParticipant; implement one: TransactionalTccParticipant to run"
                + " behind the JDBC fence in Spring transactions, TccParticipant to be called as it is");
      }
      all.add(p);
    }
    if (!needFence.isEmpty()) {
      FencedParticipants fence = fenced.getIfAvailable();
      if (fence == null) {
        throw new IllegalStateException(
            "TransactionalTccParticipant beans " + names(needFence) + " need a DataSource and a"
                + " PlatformTransactionManager (spring-boot-starter-jdbc), and there is none");
      }
      if (fence instanceof SpringFencedParticipants spring) {
        spring.checkTable(names(needFence)); // at start-up, not at the first transfer
      }
      needFence.forEach(p -> all.add(fence.protect(p)));
    }
    return new TccParticipants(all);
  }

  /** The TCC coordinator, with every participant of {@link TccParticipants} registered. */
  @Bean
  @ConditionalOnMissingBean
  public TccCoordinator settleTccCoordinator(
      TransactionLog log,
      SettleProperties properties,
      RetryPolicy retry,
      InDoubtTransactions inDoubt,
      TccParticipants participants,
      ObjectProvider<TransactionListener> listeners,
      ObjectProvider<ProtocolListeners> protocolListeners) {
    TccCoordinatorBuilder builder =
        common(TccCoordinator.builder(), properties, log, retry, inDoubt, listeners, protocolListeners, "tcc")
            .tryTimeout(properties.tcc().tryTimeout())
            .transactionTimeout(properties.tcc().transactionTimeout());
    participants.all().forEach(builder::participant);
    TccCoordinator coordinator = builder.build();
    return TRANSACTIONS_PRESENT ? new OutsideTransactionsTccCoordinator(coordinator) : coordinator;
  }

  /** Whether Spring's transaction support is on the class path, so a caller's transaction can be seen. */
  private static final boolean TRANSACTIONS_PRESENT =
      org.springframework.util.ClassUtils.isPresent(
          "org.springframework.transaction.support.TransactionSynchronizationManager",
          SettleAutoConfiguration.class.getClassLoader());

  /** The saga coordinator, with every {@link SagaDefinition} bean registered. */
  @Bean
  @ConditionalOnMissingBean
  public SagaCoordinator settleSagaCoordinator(
      TransactionLog log,
      SettleProperties properties,
      RetryPolicy retry,
      InDoubtTransactions inDoubt,
      ObjectProvider<SagaDefinition> definitions,
      ObjectProvider<TransactionListener> listeners,
      ObjectProvider<ProtocolListeners> protocolListeners) {
    SagaCoordinatorBuilder builder =
        common(SagaCoordinator.builder(), properties, log, retry, inDoubt, listeners, protocolListeners, "saga");
    definitions.orderedStream().forEach(builder::definition);
    return builder.build();
  }

  /** The 2PC coordinator, with every {@link TwoPhaseParticipant} bean registered. */
  @Bean
  @ConditionalOnMissingBean
  public TwoPhaseCoordinator settleTwoPhaseCoordinator(
      TransactionLog log,
      SettleProperties properties,
      RetryPolicy retry,
      InDoubtTransactions inDoubt,
      ObjectProvider<TwoPhaseParticipant> participants,
      ObjectProvider<TransactionListener> listeners,
      ObjectProvider<ProtocolListeners> protocolListeners) {
    TwoPhaseCoordinatorBuilder builder =
        common(TwoPhaseCoordinator.builder(), properties, log, retry, inDoubt, listeners, protocolListeners, "2pc");
    participants.orderedStream().forEach(builder::participant);
    return builder.build();
  }

  /** Recovery at start-up and on a schedule, over every coordinator bean. */
  @Bean
  @ConditionalOnMissingBean
  public SettleRecovery settleRecovery(SettleProperties properties, ObjectProvider<Coordinator<?>> coordinators) {
    return new SettleRecovery(
        coordinators.orderedStream().toList(),
        properties.recovery().onStartup(),
        properties.recovery().interval(),
        Clock.systemUTC());
  }

  private static <B extends CoordinatorBuilder<B>> B common(
      B builder,
      SettleProperties properties,
      TransactionLog log,
      RetryPolicy retry,
      InDoubtTransactions inDoubt,
      ObjectProvider<TransactionListener> listeners,
      ObjectProvider<ProtocolListeners> protocolListeners,
      String protocol) {
    builder
        .log(log)
        .nodeName(properties.nodeNameOrDefault())
        .callTimeout(properties.callTimeout())
        .phaseTwoRetry(retry)
        .listener(inDoubt);
    listeners.orderedStream().forEach(builder::listener);
    protocolListeners.orderedStream().forEach(p -> p.forProtocol(protocol).forEach(builder::listener));
    return builder;
  }

  private static String names(List<TransactionalTccParticipant> participants) {
    return participants.stream().map(TransactionalTccParticipant::name).toList().toString();
  }

  /** The JDBC fence inside Spring-managed transactions, when the application has both. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.jdbc.datasource.DataSourceUtils")
  @ConditionalOnBean({DataSource.class, PlatformTransactionManager.class})
  static class FenceConfiguration {
    @Bean
    @ConditionalOnMissingBean
    JdbcTccFence settleTccFence(SettleProperties properties, DataSource dataSource) {
      SettleProperties.Fence fence = properties.fence();
      if (fence.createSchema()) {
        createFenceTable(dataSource, fence.table());
      }
      return JdbcTccFence.builder().table(fence.table()).build();
    }

    @Bean
    @ConditionalOnMissingBean
    FencedParticipants settleFencedParticipants(
        JdbcTccFence fence,
        DataSource dataSource,
        PlatformTransactionManager transactionManager,
        SettleProperties properties) {
      return new SpringFencedParticipants(fence, dataSource, transactionManager, properties.fence().table());
    }

    private static void createFenceTable(DataSource dataSource, String table) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        String dialect = product.contains("postgres") ? "postgresql" : "h2";
        String ddl = JdbcTccFence.schema(dialect).replace("settle_tcc_fence", table);
        for (String statement : ddl.split(";")) {
          String sql = statement.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b).trim();
          if (!sql.isEmpty()) {
            s.execute(sql);
          }
        }
        if (!c.getAutoCommit()) {
          c.commit();
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create the fence table " + table + ": " + e.getMessage(), e);
      }
    }
  }

  /** Meters for every coordinator, when Micrometer and Settle's micrometer module are present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.settle.micrometer.SettleMetrics", "io.micrometer.core.instrument.MeterRegistry"})
  @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
  static class MetricsConfiguration {
    @Bean
    ProtocolListeners settleMeters(io.micrometer.core.instrument.MeterRegistry registry) {
      return protocol -> List.of(dev.settle.micrometer.SettleMetrics.listener(protocol, registry));
    }
  }

  /** Actuator: health and the {@code settle} endpoint, when Actuator is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "settleHealthIndicator")
    SettleHealthIndicator settleHealthIndicator(
        InDoubtTransactions inDoubt, SettleRecovery recovery, SettleProperties properties) {
      return new SettleHealthIndicator(inDoubt, recovery, properties.health().inDoubtTolerance(), Clock.systemUTC());
    }
  }

  /** The {@code settle} actuator endpoint, when Actuator is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    SettleEndpoint settleEndpoint(TransactionLog log, InDoubtTransactions inDoubt) {
      return new SettleEndpoint(log, inDoubt);
    }
  }
}
