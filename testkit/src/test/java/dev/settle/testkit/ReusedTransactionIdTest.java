package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionIdGenerator;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.TransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.twopc.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.Vote;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A transaction id that is already in the log is refused before anything runs, on every protocol,
 * whether that transaction ended or is still running, and after a restart (issue 13, defect 9).
 */
class ReusedTransactionIdTest {
  private static final TransactionId ORDER = TransactionId.of("order-1");

  /** Ids from a list, as an upstream system's order numbers would come. */
  static final class Ids implements TransactionIdGenerator {
    private final Deque<String> next = new ArrayDeque<>();

    Ids(String... ids) {
      next.addAll(List.of(ids));
    }

    @Override
    public TransactionId next() {
      return TransactionId.of(next.removeFirst());
    }
  }

  /** One protocol's coordinator and a two-participant transaction that records every call. */
  abstract static class Harness<T> {
    final List<String> calls = new ArrayList<>();
    /** Runs once, inside the first phase-one call (a Try, the 2PC work, the first saga step). */
    Runnable duringPhaseOne = () -> {};

    abstract Coordinator<T> coordinator(TransactionLog log, TransactionIdGenerator ids);

    abstract T transaction();

    final Outcome execute(Coordinator<T> coordinator) {
      return coordinator.execute(transaction());
    }

    final void phaseOne(String call) {
      calls.add(call);
      Runnable hook = duringPhaseOne;
      duringPhaseOne = () -> {};
      hook.run();
    }

    static Harness<?> of(String protocol) {
      return switch (protocol) {
        case "tcc" -> new Tcc();
        case "2pc" -> new TwoPc();
        default -> new Saga();
      };
    }
  }

  static final class Tcc extends Harness<TccTransaction> {
    private TccParticipant participant(String name) {
      return new TccParticipant() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public void tryReserve(TccContext context) {
          phaseOne(name + ":try");
        }

        @Override
        public void confirm(TccContext context) {
          calls.add(name + ":confirm");
        }

        @Override
        public void cancel(TccContext context) {
          calls.add(name + ":cancel");
        }
      };
    }

    private final TccParticipant a = participant("a");
    private final TccParticipant b = participant("b");

    @Override
    Coordinator<TccTransaction> coordinator(TransactionLog log, TransactionIdGenerator ids) {
      return TccCoordinator.builder()
          .log(log)
          .idGenerator(ids)
          .executor(Runnable::run)
          .scheduler(d -> {})
          .random(new Random(1))
          .participant(a)
          .participant(b)
          .build();
    }

    @Override
    TccTransaction transaction() {
      return TccTransaction.builder().branch("debit", a, new byte[0]).branch("credit", b, new byte[0]).build();
    }
  }

  static final class TwoPc extends Harness<TwoPhaseTransaction> {
    private TwoPhaseParticipant participant(String name) {
      return new TwoPhaseParticipant() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public Vote prepare(TwoPhaseContext context) {
          calls.add(name + ":prepare");
          return Vote.PREPARED;
        }

        @Override
        public void commit(TwoPhaseContext context, boolean onePhase) {
          calls.add(name + ":commit");
        }

        @Override
        public void rollback(TwoPhaseContext context) {
          calls.add(name + ":rollback");
        }
      };
    }

    private final TwoPhaseParticipant a = participant("a");
    private final TwoPhaseParticipant b = participant("b");

    @Override
    Coordinator<TwoPhaseTransaction> coordinator(TransactionLog log, TransactionIdGenerator ids) {
      return TwoPhaseCoordinator.builder()
          .log(log)
          .idGenerator(ids)
          .executor(Runnable::run)
          .scheduler(d -> {})
          .random(new Random(1))
          .participant(a)
          .participant(b)
          .build();
    }

    @Override
    TwoPhaseTransaction transaction() {
      return TwoPhaseTransaction.builder()
          .enlist("a", a)
          .enlist("b", b)
          .work(tx -> phaseOne("work"))
          .build();
    }
  }

  static final class Saga extends Harness<SagaRequest> {
    private final SagaDefinition order =
        SagaDefinition.builder("order")
            .step("reserve", ctx -> phaseOne("reserve"), ctx -> calls.add("unreserve"))
            .step("pay", ctx -> calls.add("pay"), ctx -> calls.add("refund"))
            .build();

    @Override
    Coordinator<SagaRequest> coordinator(TransactionLog log, TransactionIdGenerator ids) {
      return SagaCoordinator.builder()
          .log(log)
          .idGenerator(ids)
          .executor(Runnable::run)
          .scheduler(d -> {})
          .random(new Random(1))
          .definition(order)
          .build();
    }

    @Override
    SagaRequest transaction() {
      return SagaRequest.of(order);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void aFinishedIdIsRefusedAndNothingRunsAgain(String protocol) {
    reuseAfterTheEnd(Harness.of(protocol));
  }

  private static <T> void reuseAfterTheEnd(Harness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Coordinator<T> coordinator = harness.coordinator(log, new Ids("order-1", "order-1", "order-2"));
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
    reuseAfterARestart(Harness.of(protocol));
  }

  private static <T> void reuseAfterARestart(Harness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    harness.execute(harness.coordinator(log, new Ids("order-1")));
    List<String> callsOfTheFirst = List.copyOf(harness.calls);
    // The next process reads the same records through a log object of its own.
    InMemoryTransactionLog reopened = InMemoryTransactionLog.keepingHistory();
    reopened.append(log.records(), true);
    Coordinator<T> restarted = harness.coordinator(reopened, new Ids("order-1"));

    assertThatThrownBy(() -> harness.execute(restarted))
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.ended()).isTrue());
    assertThat(harness.calls).isEqualTo(callsOfTheFirst);
    assertThat(LogReplay.all(reopened)).containsOnlyKeys(ORDER);
    assertThat(restarted.decisionFor(ORDER)).contains(Decision.COMMIT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void aRunningIdIsRefusedWhileItRuns(String protocol) {
    reuseWhileRunning(Harness.of(protocol));
  }

  private static <T> void reuseWhileRunning(Harness<T> harness) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Coordinator<T> coordinator = harness.coordinator(log, new Ids("order-1", "order-1"));
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
    reuseAfterACrash(Harness.of(protocol));
  }

  private static <T> void reuseAfterACrash(Harness<T> harness) {
    // The second append kills the process: the transaction is begun in the log, not ended.
    CrashingTransactionLog log = new CrashingTransactionLog(InMemoryTransactionLog.keepingHistory(), 2);
    assertThatThrownBy(() -> harness.execute(harness.coordinator(log, new Ids("order-1"))))
        .isInstanceOf(SimulatedCrash.class);
    log.disarm();
    List<String> callsBefore = List.copyOf(harness.calls);
    Coordinator<T> restarted = harness.coordinator(log, new Ids("order-1"));

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
