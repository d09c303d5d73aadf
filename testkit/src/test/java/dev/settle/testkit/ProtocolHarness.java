package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionIdGenerator;
import dev.settle.core.event.TransactionEvent;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * One protocol's coordinator and a two-participant transaction whose participants record every
 * call as "transaction participant:call", so that a test can say the same thing about all three
 * protocols.
 */
abstract class ProtocolHarness<T> {
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

  final List<String> calls = new ArrayList<>();
  /** Every event of every coordinator this harness built. */
  final List<TransactionEvent> events = new ArrayList<>();
  /** Runs once, inside the first phase-one call (a Try, the 2PC work, the first saga step). */
  Runnable duringPhaseOne = () -> {};

  static ProtocolHarness<?> of(String protocol) {
    return switch (protocol) {
      case "tcc" -> new Tcc();
      case "2pc" -> new TwoPc();
      case "saga" -> new Saga();
      default -> throw new IllegalArgumentException(protocol);
    };
  }

  /** The protocol name its coordinator writes in Begin records. */
  abstract String protocol();

  abstract Coordinator<T> coordinator(TransactionLog log, TransactionIdGenerator ids);

  abstract T transaction();

  /** The branch registrations this protocol's coordinator logs for {@link #transaction()}. */
  abstract List<LogRecord> registrations(TransactionId tx);

  final Outcome execute(Coordinator<T> coordinator) {
    return coordinator.execute(transaction());
  }

  final void phaseOne(TransactionId tx, String call) {
    calls.add(tx + " " + call);
    Runnable hook = duringPhaseOne;
    duringPhaseOne = () -> {};
    hook.run();
  }

  static final class Tcc extends ProtocolHarness<TccTransaction> {
    private final TccParticipant a = participant("a");
    private final TccParticipant b = participant("b");

    private TccParticipant participant(String name) {
      return new TccParticipant() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public void tryReserve(TccContext context) {
          phaseOne(context.transactionId(), name + ":try");
        }

        @Override
        public void confirm(TccContext context) {
          calls.add(context.transactionId() + " " + name + ":confirm");
        }

        @Override
        public void cancel(TccContext context) {
          calls.add(context.transactionId() + " " + name + ":cancel");
        }
      };
    }

    @Override
    String protocol() {
      return TccCoordinator.PROTOCOL;
    }

    @Override
    Coordinator<TccTransaction> coordinator(TransactionLog log, TransactionIdGenerator ids) {
      return TccCoordinator.builder()
          .log(log)
          .idGenerator(ids)
          .executor(Runnable::run)
          .scheduler(d -> {})
          .random(new Random(1))
          .listener(events::add)
          .participant(a)
          .participant(b)
          .build();
    }

    @Override
    TccTransaction transaction() {
      return TccTransaction.builder().branch("debit", a, new byte[0]).branch("credit", b, new byte[0]).build();
    }

    @Override
    List<LogRecord> registrations(TransactionId tx) {
      return List.of(
          new LogRecord.BranchRegistered(tx, BranchId.of("debit"), "a", new byte[0]),
          new LogRecord.BranchRegistered(tx, BranchId.of("credit"), "b", new byte[0]));
    }
  }

  static final class TwoPc extends ProtocolHarness<TwoPhaseTransaction> {
    private final TwoPhaseParticipant a = participant("a");
    private final TwoPhaseParticipant b = participant("b");

    private TwoPhaseParticipant participant(String name) {
      return new TwoPhaseParticipant() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public Vote prepare(TwoPhaseContext context) {
          calls.add(context.transactionId() + " " + name + ":prepare");
          return Vote.PREPARED;
        }

        @Override
        public void commit(TwoPhaseContext context, boolean onePhase) {
          calls.add(context.transactionId() + " " + name + ":commit");
        }

        @Override
        public void rollback(TwoPhaseContext context) {
          calls.add(context.transactionId() + " " + name + ":rollback");
        }
      };
    }

    @Override
    String protocol() {
      return TwoPhaseCoordinator.PROTOCOL;
    }

    @Override
    Coordinator<TwoPhaseTransaction> coordinator(TransactionLog log, TransactionIdGenerator ids) {
      return TwoPhaseCoordinator.builder()
          .log(log)
          .idGenerator(ids)
          .executor(Runnable::run)
          .scheduler(d -> {})
          .random(new Random(1))
          .listener(events::add)
          .participant(a)
          .participant(b)
          .build();
    }

    @Override
    TwoPhaseTransaction transaction() {
      return TwoPhaseTransaction.builder()
          .enlist("a", a)
          .enlist("b", b)
          .work(tx -> phaseOne(tx, "work"))
          .build();
    }

    @Override
    List<LogRecord> registrations(TransactionId tx) {
      return List.of(
          new LogRecord.BranchRegistered(tx, BranchId.of("a"), "a", new byte[0]),
          new LogRecord.BranchRegistered(tx, BranchId.of("b"), "b", new byte[0]));
    }
  }

  static final class Saga extends ProtocolHarness<SagaRequest> {
    private final SagaDefinition order =
        SagaDefinition.builder("order")
            .step("reserve", ctx -> phaseOne(ctx.transactionId(), "reserve"), ctx -> calls.add(ctx.transactionId() + " unreserve"))
            .step("pay", ctx -> calls.add(ctx.transactionId() + " pay"), ctx -> calls.add(ctx.transactionId() + " refund"))
            .build();

    @Override
    String protocol() {
      return SagaCoordinator.PROTOCOL;
    }

    @Override
    Coordinator<SagaRequest> coordinator(TransactionLog log, TransactionIdGenerator ids) {
      return SagaCoordinator.builder()
          .log(log)
          .idGenerator(ids)
          .executor(Runnable::run)
          .scheduler(d -> {})
          .random(new Random(1))
          .listener(events::add)
          .definition(order)
          .build();
    }

    @Override
    SagaRequest transaction() {
      return SagaRequest.of(order);
    }

    @Override
    List<LogRecord> registrations(TransactionId tx) {
      return List.of(
          new LogRecord.BranchRegistered(tx, BranchId.of("reserve"), "order", new byte[0]),
          new LogRecord.BranchRegistered(tx, BranchId.of("pay"), "order", new byte[0]));
    }
  }
}
