package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.spi.TransactionLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A transaction id that is already in the log is refused before anything runs, on every protocol,
 * whether that transaction ended or is still running, and after a restart (issue 13, defect 9).
 */
class ReusedTransactionIdTest {
  private static final TransactionId ORDER = TransactionId.of("order-1");

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void aFinishedIdIsRefusedAndNothingRunsAgain(String protocol) {
    reuseAfterTheEnd(ProtocolHarness.of(protocol));
  }

  private static <T> void reuseAfterTheEnd(ProtocolHarness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Coordinator<T> coordinator = harness.coordinator(log, new ProtocolHarness.Ids("order-1", "order-1", "order-2"));
    assertThat(harness.execute(coordinator)).isInstanceOf(Outcome.Committed.class);
    List<String> callsOfTheFirst = List.copyOf(harness.calls);

    assertThatThrownBy(() -> harness.execute(coordinator))
        .isInstanceOfSatisfying(
            DuplicateTransactionIdException.class,
            e -> {
              assertThat(e.transactionId()).isEqualTo(ORDER);
              assertThat(e.ended()).isTrue();
            });
    assertThat(harness.calls).as("nothing ran again").isEqualTo(callsOfTheFirst);
    // The log holds one history for the id, so every reader of it keeps working.
    assertThat(LogReplay.all(log)).containsOnlyKeys(ORDER);
    assertThat(coordinator.recover()).isEmpty();
    assertThat(coordinator.decisionFor(ORDER)).contains(Decision.COMMIT);
    assertThat(harness.execute(coordinator)).isInstanceOf(Outcome.Committed.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void aFinishedIdIsRefusedByTheNextProcess(String protocol) {
    reuseAfterARestart(ProtocolHarness.of(protocol));
  }

  private static <T> void reuseAfterARestart(ProtocolHarness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    harness.execute(harness.coordinator(log, new ProtocolHarness.Ids("order-1")));
    List<String> callsOfTheFirst = List.copyOf(harness.calls);
    // The next process reads the same records through a log object of its own.
    InMemoryTransactionLog reopened = InMemoryTransactionLog.keepingHistory();
    reopened.append(log.records(), true);
    Coordinator<T> restarted = harness.coordinator(reopened, new ProtocolHarness.Ids("order-1"));

    assertThatThrownBy(() -> harness.execute(restarted))
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.ended()).isTrue());
    assertThat(harness.calls).isEqualTo(callsOfTheFirst);
    assertThat(LogReplay.all(reopened)).containsOnlyKeys(ORDER);
    assertThat(restarted.decisionFor(ORDER)).contains(Decision.COMMIT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void aRunningIdIsRefusedWhileItRuns(String protocol) {
    reuseWhileRunning(ProtocolHarness.of(protocol));
  }

  private static <T> void reuseWhileRunning(ProtocolHarness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Coordinator<T> coordinator = harness.coordinator(log, new ProtocolHarness.Ids("order-1", "order-1"));
    List<Throwable> refused = new ArrayList<>();
    harness.duringPhaseOne =
        () -> {
          try {
            harness.execute(coordinator);
          } catch (RuntimeException e) {
            refused.add(e);
          }
        };
    Outcome outcome = harness.execute(coordinator);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(refused)
        .singleElement()
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.ended()).isFalse());
    assertThat(harness.calls).doesNotHaveDuplicates();
    assertThat(LogReplay.all(log)).containsOnlyKeys(ORDER);
    assertThat(coordinator.recover()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void anUnfinishedIdIsRefusedAfterACrashAndRecoveryFinishesTheOriginal(String protocol) {
    reuseAfterACrash(ProtocolHarness.of(protocol));
  }

  private static <T> void reuseAfterACrash(ProtocolHarness<T> harness) {
    // The second append kills the process: the transaction is begun in the log, not ended.
    CrashingTransactionLog log = new CrashingTransactionLog(InMemoryTransactionLog.keepingHistory(), 2);
    assertThatThrownBy(() -> harness.execute(harness.coordinator(log, new ProtocolHarness.Ids("order-1"))))
        .isInstanceOf(SimulatedCrash.class);
    log.disarm();
    List<String> callsBefore = List.copyOf(harness.calls);
    Coordinator<T> restarted = harness.coordinator(log, new ProtocolHarness.Ids("order-1"));

    assertThatThrownBy(() -> harness.execute(restarted))
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.ended()).isFalse());
    assertThat(harness.calls).as("the refused request made no call").isEqualTo(callsBefore);
    assertThat(restarted.recover()).singleElement().satisfies(o -> {
      assertThat(o.transactionId()).isEqualTo(ORDER);
      assertThat(o.isClean()).isTrue();
    });
    assertThat(LogReplay.all(log)).containsOnlyKeys(ORDER);
    assertThat(LogReplay.all(log).get(ORDER).ended()).isTrue();
  }
}
