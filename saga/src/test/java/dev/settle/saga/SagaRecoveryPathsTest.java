package dev.settle.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.spi.SagaKey;
import dev.settle.testsupport.CrashingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A saga's coordinator crashing between any two of its log appends: recovery resumes forward or
 * backward from the log, and the steps and compensations that run after the crash see the values
 * the steps before it produced (they come back from the log, not from memory).
 */
class SagaRecoveryPathsTest {
  private static final SagaKey<String> INPUT = SagaKey.ofString("input");
  private static final SagaKey<String> FROM_A = SagaKey.ofString("fromA");
  private static final SagaKey<String> FROM_B = SagaKey.ofString("fromB");

  private final List<String> seen = new ArrayList<>();
  private final List<String> undone = new ArrayList<>();
  private final List<TransactionEvent> events = new ArrayList<>();
  private boolean lastStepFails;

  private final SagaDefinition saga =
      SagaDefinition.builder("chain")
          .step("a", ctx -> ctx.put(FROM_A, "a(" + ctx.get(INPUT) + ")"), ctx -> undone.add("a"))
          .step(
              "b",
              ctx -> ctx.put(FROM_B, "b(" + ctx.get(FROM_A) + ")"),
              ctx -> undone.add("b saw " + ctx.get(FROM_B)))
          .step(
              "c",
              ctx -> {
                seen.add(ctx.get(INPUT) + " " + ctx.get(FROM_B));
                if (lastStepFails) {
                  throw new IllegalStateException("c refuses");
                }
              },
              ctx -> undone.add("c"))
          .build();

  private SagaCoordinator coordinator(TransactionLog log) {
    return SagaCoordinator.builder()
        .log(log)
        .executor(Runnable::run)
        .scheduler(d -> {})
        .random(new Random(3))
        .definition(saga)
        .listener(events::add)
        .build();
  }

  @Test
  void aSagaCrashedAfterAnyAppendResumesForwardWithTheValuesItsStepsProduced() {
    int crashes = 0;
    for (int crashAt = 2; ; crashAt++) {
      seen.clear();
      CrashingLog log = new CrashingLog(crashAt);
      try {
        coordinator(log).execute(SagaRequest.of(saga).with(INPUT, "in"));
        break; // no append left to crash at
      } catch (CrashingLog.Crash crash) {
        crashes++;
      }
      log.disarm();
      List<Outcome> recovered = coordinator(log).recover();

      assertThat(recovered).as("crash at append %d", crashAt).singleElement().isInstanceOf(Outcome.Committed.class);
      assertThat(seen).as("crash at append %d", crashAt).isNotEmpty().last().isEqualTo("in b(a(in))");
      assertThat(LogReplay.unfinished(log, SagaCoordinator.PROTOCOL)).isEmpty();
      assertThat(undone).isEmpty();
    }
    assertThat(crashes).as("crash points tried").isGreaterThanOrEqualTo(5);
  }

  @Test
  void aSagaCrashedWhileTurningBackIsCompensatedWithItsValues() {
    lastStepFails = true;
    int crashes = 0;
    for (int crashAt = 2; ; crashAt++) {
      undone.clear();
      CrashingLog log = new CrashingLog(crashAt);
      try {
        coordinator(log).execute(SagaRequest.of(saga).with(INPUT, "in"));
        break;
      } catch (CrashingLog.Crash crash) {
        crashes++;
      }
      log.disarm();
      List<Outcome> recovered = coordinator(log).recover();

      assertThat(recovered).as("crash at append %d", crashAt).singleElement().isInstanceOf(Outcome.RolledBack.class);
      // Whatever ran before the crash is undone once, newest first, seeing what it had produced.
      assertThat(undone).as("crash at append %d", crashAt).endsWith("b saw b(a(in))", "a");
      assertThat(LogReplay.unfinished(log, SagaCoordinator.PROTOCOL)).isEmpty();
    }
    assertThat(crashes).isGreaterThanOrEqualTo(5);
  }

  @Test
  void aSagaWhoseOpeningAppendWasTornRanNothingAndIsRolledBackWithoutCompensation() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    TransactionId tx = TransactionId.of("torn");
    log.append(
        List.of(
            new LogRecord.Begin(tx, SagaCoordinator.PROTOCOL, 0, Long.MAX_VALUE),
            new LogRecord.BranchRegistered(tx, BranchId.of("a"), "chain", new byte[0]),
            new LogRecord.BranchRegistered(tx, BranchId.of("b"), "chain", new byte[0])),
        true); // the third step and the first start never made it to the disk

    Outcome outcome = coordinator(log).recover().get(0);

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("opening log append was cut short"));
    assertThat(outcome.branches()).containsOnlyKeys(BranchId.of("a"), BranchId.of("b"));
    assertThat(outcome.branches()).allSatisfy((id, state) -> assertThat(state).isEqualTo(BranchState.ROLLED_BACK));
    assertThat(undone).isEmpty();
    assertThat(log.records())
        .filteredOn(LogRecord.Decided.class::isInstance)
        .singleElement()
        .satisfies(r -> assertThat(((LogRecord.Decided) r).decision()).isEqualTo(Decision.ROLLBACK));
    assertThat(LogReplay.unfinished(log, SagaCoordinator.PROTOCOL)).isEmpty();
    assertThat(events).extracting(TransactionEvent::type).contains(EventType.TRANSACTION_RECOVERING, EventType.DECIDED_ROLLBACK);
  }

  @Test
  void aSagaDecidedCommittedBeforeTheCrashIsOnlyEnded() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    TransactionId tx = TransactionId.of("done");
    List<LogRecord> records = new ArrayList<>();
    records.add(new LogRecord.Begin(tx, SagaCoordinator.PROTOCOL, 0, Long.MAX_VALUE));
    for (String step : List.of("a", "b", "c")) {
      records.add(new LogRecord.BranchRegistered(tx, BranchId.of(step), "chain", new byte[0]));
    }
    for (String step : List.of("a", "b", "c")) {
      records.add(new LogRecord.BranchUpdated(tx, BranchId.of(step), BranchState.PREPARED));
    }
    records.add(new LogRecord.Decided(tx, Decision.COMMIT));
    log.append(records, true);

    Outcome outcome = coordinator(log).recover().get(0);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches()).containsOnlyKeys(BranchId.of("a"), BranchId.of("b"), BranchId.of("c"));
    assertThat(seen).as("no step runs again").isEmpty();
    assertThat(LogReplay.unfinished(log, SagaCoordinator.PROTOCOL)).isEmpty();
    assertThat(events).extracting(TransactionEvent::type).contains(EventType.TRANSACTION_COMMITTED);
  }

  @Test
  void aSagaCoordinatorThatIsClosedRunsNothingAndFreesTheLog() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    SagaCoordinator first = coordinator(log);
    first.close();
    assertThatThrownBy(() -> first.execute(SagaRequest.of(saga).with(INPUT, "x"))).hasMessageContaining("closed");
    assertThat(seen).isEmpty();
    assertThat(coordinator(log).execute(SagaRequest.of(saga).with(INPUT, "x"))).isInstanceOf(Outcome.Committed.class);
  }

  @Test
  void eventsNameTheSagaAndEachStepsPlace() {
    coordinator(new InMemoryTransactionLog()).execute(SagaRequest.of(saga).with(INPUT, "x"));
    assertThat(events.get(0).type()).isEqualTo(EventType.TRANSACTION_BEGUN);
    assertThat(events.get(0).detail()).isEqualTo("saga chain");
    assertThat(events)
        .filteredOn(e -> e.type() == EventType.BRANCH_PREPARING)
        .extracting(TransactionEvent::detail)
        .containsExactly("step 1 of 3", "step 2 of 3", "step 3 of 3");
  }

  @Test
  void aRetriedStepKnowsWhichAttemptItIs() {
    List<Integer> attempts = new ArrayList<>();
    SagaDefinition flaky =
        SagaDefinition.builder("flaky")
            .step(
                "only",
                ctx -> {
                  attempts.add(ctx.attempt());
                  if (ctx.attempt() < 3) {
                    throw new IllegalStateException("not yet");
                  }
                },
                ctx -> {},
                dev.settle.core.RetryPolicy.builder().maxAttempts(3).build())
            .build();
    Outcome outcome =
        SagaCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .executor(Runnable::run)
            .scheduler(d -> {})
            .build()
            .execute(SagaRequest.of(flaky));
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(attempts).containsExactly(1, 2, 3);
  }

  @Test
  void aReusedTransactionIdRunsNoStep() {
    TransactionId same = TransactionId.of("same");
    SagaCoordinator coordinator =
        SagaCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .executor(Runnable::run)
            .idGenerator(() -> same)
            .definition(saga)
            .build();
    coordinator.execute(SagaRequest.of(saga).with(INPUT, "x"));
    seen.clear();
    assertThatThrownBy(() -> coordinator.execute(SagaRequest.of(saga).with(INPUT, "x")))
        .isInstanceOf(dev.settle.core.DuplicateTransactionIdException.class);
    assertThat(seen).isEmpty();
  }

  @Test
  void stepsAreFoundByName() {
    assertThat(saga.indexOf(BranchId.of("a"))).isZero();
    assertThat(saga.indexOf(BranchId.of("c"))).isEqualTo(2);
    assertThat(saga.indexOf(BranchId.of("nope"))).isEqualTo(-1);
  }
}
