package dev.settle.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BusinessRefusalException;
import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.spi.Vote;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Meters read from a SimpleMeterRegistry after real runs of each protocol. */
class SettleMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A TCC participant whose Try does what the test says and whose confirm can be made to fail. */
  private static final class Account implements TccParticipant {
    final AtomicBoolean confirmDown = new AtomicBoolean();
    private final String name;
    private final Runnable onTry;

    Account(String name, Runnable onTry) {
      this.name = name;
      this.onTry = onTry;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void tryReserve(TccContext context) {
      onTry.run();
    }

    @Override
    public void confirm(TccContext context) {
      if (confirmDown.get()) {
        throw new IllegalStateException("confirm unavailable");
      }
    }

    @Override
    public void cancel(TccContext context) {}
  }

  private long transactions(String protocol, String outcome, String cause) {
    var timer = registry.find("settle.transactions")
        .tags("protocol", protocol, "outcome", outcome, "cause", cause)
        .timer();
    return timer == null ? 0 : timer.count();
  }

  /** Phase-one calls whose timers carry {@code tags}, summed over the tags not named. */
  private long calls(String... tags) {
    return registry.find("settle.branch.calls").tags(tags).timers().stream().mapToLong(t -> t.count()).sum();
  }

  private double gauge(String name, String protocol) {
    var gauge = registry.find(name).tag("protocol", protocol).gauge();
    assertThat(gauge).as(name).isNotNull();
    return gauge.value();
  }

  @Test
  void tccCommitRefusalTimeoutAndInDoubtAreCountedByOutcomeAndCause() {
    Account ok = new Account("ok", () -> {});
    Account refusing = new Account("refusing", () -> {
      throw new BusinessRefusalException("insufficient funds");
    });
    Account slow = new Account("slow", () -> sleep(Duration.ofMillis(300)));
    TccCoordinator tcc =
        TccCoordinator.builder()
            .log(SettleMetrics.log(new InMemoryTransactionLog(), registry))
            .listener(SettleMetrics.listener("tcc", registry))
            .phaseTwoRetry(RetryPolicy.none())
            .tryTimeout(Duration.ofMillis(50))
            .participant(ok)
            .build();
    Coordinator<TccTransaction> metered = SettleMetrics.coordinator(tcc, "tcc", registry);

    assertThat(metered.execute(TccTransaction.builder().branch("a", ok, "x").build())).isInstanceOf(Outcome.Committed.class);
    assertThat(metered.execute(TccTransaction.builder().branch("a", refusing, "x").build())).isInstanceOf(Outcome.RolledBack.class);
    assertThat(metered.execute(TccTransaction.builder().branch("a", slow, "x").build())).isInstanceOf(Outcome.RolledBack.class);
    ok.confirmDown.set(true);
    Outcome stuck = metered.execute(TccTransaction.builder().branch("a", ok, "x").build());
    assertThat(stuck).isInstanceOf(Outcome.InDoubt.class);

    assertThat(transactions("tcc", "committed", "none")).isEqualTo(1);
    assertThat(transactions("tcc", "rolled_back", "business_refusal")).isEqualTo(1);
    assertThat(transactions("tcc", "rolled_back", "timeout")).isEqualTo(1);
    assertThat(transactions("tcc", "in_doubt", "participant_failure")).isEqualTo(1);
    assertThat(gauge("settle.transactions.in.doubt", "tcc")).isEqualTo(1);
    assertThat(gauge("settle.transactions.active", "tcc")).isZero();
    assertThat(calls("protocol", "tcc", "phase", "try", "result", "ok"))
        .isEqualTo(2);
    assertThat(calls("protocol", "tcc", "phase", "try", "result", "failed"))
        .isEqualTo(2);
    // Each call is tagged with its participant's name, never with an id.
    assertThat(calls("participant", "ok", "result", "ok")).isEqualTo(2);
    assertThat(calls("participant", "refusing", "result", "failed"))
        .isEqualTo(1);
    assertThat(calls("participant", "slow", "result", "failed"))
        .isEqualTo(1);
    assertThat(registry.find("settle.branch.phase.two").tags("protocol", "tcc", "result", "in_doubt").counter().count())
        .isEqualTo(1);

    // Recovery finishes the one in doubt: the gauge goes back to zero and the pass is counted.
    ok.confirmDown.set(false);
    assertThat(metered.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(gauge("settle.transactions.in.doubt", "tcc")).isZero();
    assertThat(
            registry.find("settle.recovery.transactions")
                .tags("protocol", "tcc", "origin", "resumed", "outcome", "committed")
                .counter()
                .count())
        .isEqualTo(1);

    // Every append was timed: forced ones (the decisions) and unforced ones (the Ends).
    assertThat(registry.find("settle.log.append").tag("forced", "true").timer().count()).isPositive();
    assertThat(registry.find("settle.log.append").tag("forced", "false").timer().count()).isPositive();
    assertThat(registry.find("settle.log.batch.size").summary().totalAmount()).isPositive();
  }

  @Test
  void noMeterIsTaggedWithATransactionOrBranchId() {
    tccCommitRefusalTimeoutAndInDoubtAreCountedByOutcomeAndCause();
    for (Meter meter : registry.getMeters()) {
      meter.getId().getTags().forEach(tag ->
          assertThat(tag.getKey()).isIn("protocol", "outcome", "cause", "phase", "result", "forced", "participant", "origin"));
    }
  }

  @Test
  void twoPhaseAbortVoteAndACrashRecoveredAsPresumedAbort() {
    TwoPhaseParticipant voting = new TwoPhaseParticipant() {
      @Override
      public String name() {
        return "voting";
      }

      @Override
      public Vote prepare(TwoPhaseContext context) {
        return context.branchId().value().equals("no") ? Vote.ABORT : Vote.PREPARED;
      }

      @Override
      public void commit(TwoPhaseContext context, boolean onePhase) {}

      @Override
      public void rollback(TwoPhaseContext context) {}
    };
    TransactionLog log = new InMemoryTransactionLog();
    TransactionId crashed = new TransactionId("crashed");
    log.append(
        List.of(new LogRecord.Begin(crashed, "2pc", 0, Long.MAX_VALUE, "settle"),
            new LogRecord.BranchRegistered(crashed, new BranchId("yes"), "voting", new byte[0])),
        true);
    // Begun by another node (a shared log's takeover, or a restart under a new name).
    TransactionId orphan = new TransactionId("orphan");
    log.append(
        List.of(new LogRecord.Begin(orphan, "2pc", 0, Long.MAX_VALUE, "node-2"),
            new LogRecord.BranchRegistered(orphan, new BranchId("yes"), "voting", new byte[0])),
        true);
    Coordinator<TwoPhaseTransaction> metered =
        SettleMetrics.coordinator(
            TwoPhaseCoordinator.builder()
                .log(log)
                .listener(SettleMetrics.listener("2pc", registry))
                .participant(voting)
                .build(),
            "2pc",
            registry);
    assertThat(metered.recover()).hasSize(2).allMatch(o -> o instanceof Outcome.RolledBack);
    Outcome refused =
        metered.execute(
            TwoPhaseTransaction.builder().enlist("yes", voting).enlist("no", voting).work(tx -> {}).build());
    assertThat(refused).isInstanceOf(Outcome.RolledBack.class);

    for (String origin : List.of("resumed", "taken_over")) {
      assertThat(
              registry.find("settle.recovery.transactions")
                  .tags("protocol", "2pc", "origin", origin, "outcome", "rolled_back")
                  .counter()
                  .count())
          .as(origin)
          .isEqualTo(1);
    }
    assertThat(transactions("2pc", "rolled_back", "business_refusal")).isEqualTo(1);
  }

  @Test
  void sagaStepsAreTimedAsActionsAndAFailureIsAParticipantFailure() {
    SagaDefinition order =
        SagaDefinition.builder("order")
            .step("charge", ctx -> {}, ctx -> {})
            .step("ship", ctx -> {
              throw new IllegalStateException("carrier down");
            }, ctx -> {})
            .build();
    Coordinator<SagaRequest> metered =
        SettleMetrics.coordinator(
            SagaCoordinator.builder()
                .log(new InMemoryTransactionLog())
                .listener(SettleMetrics.listener("saga", registry))
                .definition(order)
                .build(),
            "saga",
            registry);
    assertThat(metered.execute(SagaRequest.of(order))).isInstanceOf(Outcome.RolledBack.class);
    assertThat(transactions("saga", "rolled_back", "participant_failure")).isEqualTo(1);
    assertThat(calls("protocol", "saga", "phase", "action", "result", "ok"))
        .isEqualTo(1);
    assertThat(calls("participant", "charge", "result", "ok"))
        .isEqualTo(1);
    assertThat(calls("participant", "ship", "result", "failed"))
        .isEqualTo(1);
    assertThat(registry.find("settle.branch.phase.two").tags("protocol", "saga", "result", "rolled_back").counter().count())
        .isEqualTo(1);
  }

  @Test
  void theMeteredLogPassesOnEveryCallItDoesNotMeter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    // A file log that keeps its history: explaining through the metered log must still see it.
    try (TransactionLog metered = SettleMetrics.log(
        dev.settle.core.log.FileTransactionLog.builder(dir).segmentBytes(1024).historyRetention(Duration.ofHours(1)).open(),
        registry)) {
      TransactionId first = new TransactionId("first");
      for (int i = 0; i < 60; i++) {
        TransactionId tx = i == 0 ? first : new TransactionId("tx-" + i);
        metered.append(List.of(
            new LogRecord.Begin(tx, "tcc", 0, Long.MAX_VALUE, "n"),
            new LogRecord.BranchRegistered(tx, new BranchId("b"), "p", new byte[40]),
            new LogRecord.Decided(tx, dev.settle.core.Decision.COMMIT),
            new LogRecord.End(tx)), true);
      }
      assertThat(dev.settle.core.log.Explain.of(metered, first)).as("ended, compacted, kept as history").isPresent();
    }
  }

  @Test
  void theReadmeWiringMetersATransfer() {
    TransactionLog log = new InMemoryTransactionLog();
    TccParticipant shard1 = new Account("shard-1", () -> {});
    TccParticipant shard2 = new Account("shard-2", () -> {});
    // readme:begin micrometer
    MeterRegistry registry = new SimpleMeterRegistry();          // or your application's registry
    TccCoordinator tcc = TccCoordinator.builder()
        .log(SettleMetrics.log(log, registry))                    // settle.log.append, settle.log.batch.size
        .listener(SettleMetrics.listener("tcc", registry))        // settle.branch.*, settle.recovery.transactions
        .participant(shard1).participant(shard2)
        .build();
    Coordinator<TccTransaction> coordinator = SettleMetrics.coordinator(tcc, "tcc", registry);
    // readme:end
    Outcome outcome =
        coordinator.execute(TccTransaction.builder().branch("debit", shard1, "A:-1").branch("credit", shard2, "C:1").build());
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(registry.find("settle.transactions").tag("outcome", "committed").timer().count()).isEqualTo(1);
  }

  @Test
  void badArgumentsAreRefusedWithTheirName() {
    TccCoordinator tcc = TccCoordinator.builder().log(new InMemoryTransactionLog()).build();
    assertThatThrownBy(() -> SettleMetrics.coordinator(tcc, " ", registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("protocol");
    assertThatThrownBy(() -> SettleMetrics.coordinator(tcc, "tcc", null)).hasMessageContaining("registry");
    assertThatThrownBy(() -> SettleMetrics.listener("x".repeat(40), registry)).hasMessageContaining("1 to 32");
    assertThatThrownBy(() -> SettleMetrics.log(null, registry)).hasMessageContaining("log");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
