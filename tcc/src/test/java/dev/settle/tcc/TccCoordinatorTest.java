package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.Scheduler;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.fence.FenceState;
import dev.settle.testsupport.CrashingLog;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TccCoordinatorTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final InMemoryTccFence fence = new InMemoryTccFence(clock, Duration.ofMinutes(1));
  private final Ledger node1 = new Ledger("node1").open("A", 500);
  private final Ledger node2 = new Ledger("node2").open("C", 0);
  private final TccParticipant shard1 = fence.protect(node1);
  private final TccParticipant shard2 = fence.protect(node2);
  private final List<TransactionEvent> events = new ArrayList<>();
  private static final Scheduler NO_WAIT = d -> {};

  private TccCoordinatorBuilder builder(TransactionLog log) {
    return TccCoordinator.builder()
        .log(log)
        .clock(clock)
        .executor(Runnable::run)
        .scheduler(NO_WAIT)
        .random(new Random(7))
        .participant(shard1)
        .participant(shard2)
        .listener(events::add);
  }

  private TccTransaction transfer(long cents) {
    return TccTransaction.builder()
        .branch("debit", shard1, "A:-" + cents)
        .branch("credit", shard2, "C:" + cents)
        .build();
  }

  @Test
  void movesMoneyWhenEveryTrySucceeds() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Outcome outcome = builder(log).build().execute(transfer(100));

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches()).containsValues(BranchState.COMMITTED, BranchState.COMMITTED);
    assertThat(node1.available("A")).isEqualTo(400);
    assertThat(node2.available("C")).isEqualTo(100);
    assertThat(node1.held() + node2.held()).isZero();
    assertThat(LogReplay.all(log).get(outcome.transactionId()).ended()).isTrue();
    assertThat(events)
        .extracting(TransactionEvent::type)
        .startsWith(EventType.TRANSACTION_BEGUN, EventType.BRANCH_REGISTERED, EventType.BRANCH_REGISTERED)
        .contains(EventType.BRANCH_PREPARED, EventType.DECIDED_COMMIT)
        .endsWith(EventType.TRANSACTION_COMMITTED);
    assertThat(events.get(0).detail()).isEqualTo("2 branches");
    assertThat(events.subList(1, 3)).extracting(e -> e.branchId().value()).containsExactly("debit", "credit");
  }

  @Test
  void aFailedTryCancelsEveryBranch() {
    Outcome outcome = builder(new InMemoryTransactionLog()).build().execute(transfer(900));

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class,
        r -> assertThat(r.reason()).contains("debit").contains("insufficient funds"));
    assertThat(node1.available("A")).isEqualTo(500);
    assertThat(node2.available("C")).isZero();
    assertThat(node1.held() + node2.held()).isZero();
    // The failed Try left no record, so its Cancel left the source's flag.
    assertThat(fence.state(outcome.transactionId(), BranchId.of("debit")))
        .contains(FenceState.CANCELLED_BEFORE_TRY);
    assertThat(fence.state(outcome.transactionId(), BranchId.of("credit")))
        .contains(FenceState.CANCELLED);
  }

  @Test
  void aTryThatOutlivesItsTimeoutCancelsTheTransaction() {
    TccParticipant slow =
        fence.protect(
            new Ledger("slow") {
              @Override
              public synchronized void tryReserve(TccContext ctx) {
                try {
                  Thread.sleep(2_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .executor(Executors.newCachedThreadPool())
            .scheduler(NO_WAIT)
            .tryTimeout(Duration.ofMillis(100))
            .build();
    TccTransaction tx =
        TccTransaction.builder().branch("slow", slow, "S:-1").branch("credit", shard2, "C:1").build();
    Outcome outcome = coordinator.execute(tx);
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("timed out"));
    assertThat(node2.held()).isZero();
  }

  @Test
  void aTransientConfirmFailureIsRetried() {
    AtomicInteger failures = new AtomicInteger(2);
    TccParticipant flaky =
        fence.protect(
            new Ledger("flaky") {
              @Override
              public synchronized void confirm(TccContext ctx) {
                if (failures.getAndDecrement() > 0) {
                  throw new IllegalStateException("node busy");
                }
                super.confirm(ctx);
              }
            }.open("F", 0));
    TccTransaction tx =
        TccTransaction.builder().branch("debit", shard1, "A:-5").branch("credit", flaky, "F:5").build();
    Outcome outcome = builder(new InMemoryTransactionLog()).build().execute(tx);
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(events).filteredOn(e -> e.type() == EventType.BRANCH_RETRYING).hasSize(2);
  }

  @Test
  void aConfirmThatNeverSucceedsIsReportedInDoubtAndFinishedByRecovery() {
    AtomicInteger down = new AtomicInteger(1);
    Ledger credit = new Ledger("credit-node").open("C", 0);
    TccParticipant unreachable =
        fence.protect(
            new TccParticipant() {
              @Override
              public String name() {
                return "credit-node";
              }

              @Override
              public void tryReserve(TccContext ctx) {
                credit.tryReserve(ctx);
              }

              @Override
              public void confirm(TccContext ctx) {
                if (down.get() == 1) {
                  throw new IllegalStateException("connection refused");
                }
                credit.confirm(ctx);
              }

              @Override
              public void cancel(TccContext ctx) {
                credit.cancel(ctx);
              }
            });
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TccCoordinator coordinator =
        builder(log).participant(unreachable).phaseTwoRetry(RetryPolicy.builder().maxAttempts(3).build()).build();
    TccTransaction tx =
        TccTransaction.builder().branch("debit", shard1, "A:-7").branch("credit", unreachable, "C:7").build();

    Outcome outcome = coordinator.execute(tx);
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.InDoubt.class,
        d -> {
          assertThat(d.decision()).isEqualTo(Decision.COMMIT);
          assertThat(d.branches().get(BranchId.of("credit"))).isEqualTo(BranchState.IN_DOUBT);
          assertThat(d.lastFailure()).hasMessage("connection refused");
        });
    assertThat(events).extracting(TransactionEvent::type).contains(EventType.BRANCH_IN_DOUBT);
    assertThat(LogReplay.unfinished(log, "tcc")).containsKey(outcome.transactionId());

    down.set(0);
    List<Outcome> recovered = coordinator.recover();
    assertThat(recovered).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(credit.available("C")).isEqualTo(7);
    assertThat(LogReplay.unfinished(log, "tcc")).isEmpty();
  }

  @Test
  void aCrashBeforeTheDecisionIsCancelledByRecovery() {
    // Append 1 is Begin + branches; crashing at append 2 loses the decision.
    CrashingLog log = new CrashingLog(2);
    assertThatThrownBy(() -> builder(log).build().execute(transfer(50)))
        .isInstanceOf(CrashingLog.Crash.class);
    assertThat(node1.available("A")).isEqualTo(450); // reserved, and hanging until recovery
    log.disarm();

    List<Outcome> recovered = builder(log).build().recover();
    assertThat(recovered).singleElement().isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("presumed abort"));
    assertThat(node1.available("A")).isEqualTo(500);
    assertThat(node1.held() + node2.held()).isZero();
  }

  @Test
  void aCrashAfterTheDecisionIsConfirmedByRecovery() {
    CrashingLog log = new CrashingLog(3); // the decision (append 2) is durable, then crash
    assertThatThrownBy(() -> builder(log).build().execute(transfer(50)))
        .isInstanceOf(CrashingLog.Crash.class);
    log.disarm();
    TccCoordinator restarted = builder(log).build();
    assertThat(restarted.decisionFor(log.inner.records().get(0).transactionId()))
        .contains(Decision.COMMIT);

    assertThat(restarted.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(node1.available("A")).isEqualTo(450);
    assertThat(node2.available("C")).isEqualTo(50);
    assertThat(restarted.recover()).isEmpty();
  }

  @Test
  void recoveryWithoutTheParticipantReportsInDoubtAndKeepsTheTransaction() {
    CrashingLog log = new CrashingLog(3);
    assertThatThrownBy(() -> builder(log).build().execute(transfer(1)))
        .isInstanceOf(CrashingLog.Crash.class);
    log.disarm();
    TccCoordinator forgetful =
        TccCoordinator.builder().log(log).clock(clock).scheduler(NO_WAIT).participant(shard1).build();
    assertThat(forgetful.recover()).singleElement().isInstanceOf(Outcome.InDoubt.class);
    assertThat(LogReplay.unfinished(log, "tcc")).hasSize(1);
  }

  @Test
  void aThrowingListenerChangesNothing() {
    Outcome outcome =
        builder(new InMemoryTransactionLog())
            .listener(e -> {
              throw new IllegalStateException("listener bug");
            })
            .build()
            .execute(transfer(10));
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(node2.available("C")).isEqualTo(10);
  }

  @Test
  void theLogHoldsTheBranchesDurablyBeforeAnyTry() {
    List<Boolean> forcedBeforeTry = new ArrayList<>();
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    TccParticipant probe =
        new Ledger("probe") {
          @Override
          public synchronized void tryReserve(TccContext ctx) {
            forcedBeforeTry.add(
                log.records().stream().anyMatch(r -> r instanceof LogRecord.BranchRegistered));
            super.tryReserve(ctx);
          }
        }.open("P", 5);
    builder(log).build().execute(TccTransaction.builder().branch("p", probe, "P:-1").build());
    assertThat(forcedBeforeTry).containsExactly(true);
  }

  @Test
  void rejectsBadConfigurationAndTransactions() {
    assertThatThrownBy(
            () -> TccCoordinator.builder().tryTimeout(Duration.ofSeconds(60)).transactionTimeout(Duration.ofSeconds(1)).build())
        .hasMessageContaining("must not exceed transactionTimeout");
    // A Try may take the whole transaction's time: equal timeouts are allowed.
    TccCoordinator.builder()
        .log(new InMemoryTransactionLog())
        .tryTimeout(Duration.ofSeconds(5))
        .transactionTimeout(Duration.ofSeconds(5))
        .build()
        .close();
    assertThatThrownBy(() -> TccCoordinator.builder().tryTimeout(Duration.ZERO))
        .hasMessageContaining("tryTimeout must be positive");
    assertThatThrownBy(() -> TccCoordinator.builder().participant(node1).participant(new Ledger("node1")))
        .hasMessageContaining("two participants are named \"node1\"");
    assertThatThrownBy(() -> TccTransaction.builder().build())
        .hasMessageContaining("at least one branch");
    assertThatThrownBy(
            () -> TccTransaction.builder().branch("x", shard1, "A:-1").branch("x", shard2, "C:1").build())
        .hasMessageContaining("branch id x is used twice");
    assertThatThrownBy(() -> TccTransaction.builder().branch("x", null, "A:-1"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("participant must not be null");
  }
}
