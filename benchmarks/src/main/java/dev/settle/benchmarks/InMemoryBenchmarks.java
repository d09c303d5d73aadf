package dev.settle.benchmarks;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A two-participant transfer on each protocol, in memory, phase one on the calling thread. */
public class InMemoryBenchmarks {
  /** Coordinators and participants shared by the benchmark threads. */
  @State(Scope.Benchmark)
  public static class World {
    final Accounts node1 = new Accounts();
    final Accounts node2 = new Accounts();
    final TccParticipant tcc1 = Participants.tcc("n1", node1);
    final TccParticipant tcc2 = Participants.tcc("n2", node2);
    final TwoPhaseParticipant p1 = Participants.twoPhase("n1", node1);
    final TwoPhaseParticipant p2 = Participants.twoPhase("n2", node2);
    final TccCoordinator tcc =
        TccCoordinator.builder().log(new InMemoryTransactionLog()).executor(Runnable::run).build();
    final TwoPhaseCoordinator twoPc =
        TwoPhaseCoordinator.builder().log(new InMemoryTransactionLog()).executor(Runnable::run).build();
    final SagaDefinition transfer =
        SagaDefinition.builder("transfer")
            .step("debit", Participants.step(node1, 1), ctx -> {})
            .step("credit", Participants.step(node2, 2), ctx -> {})
            .build();
    final SagaCoordinator sagas =
        SagaCoordinator.builder().log(new InMemoryTransactionLog()).executor(Runnable::run).definition(transfer).build();
    final TccTransaction tccTransfer =
        TccTransaction.builder().branch("debit", tcc1, new byte[0]).branch("credit", tcc2, new byte[0]).build();
    final TwoPhaseTransaction twoPcTransfer =
        TwoPhaseTransaction.builder().enlist("debit", p1).enlist("credit", p2).build();
    final SagaRequest sagaTransfer = SagaRequest.of(transfer);
  }

  /** TCC: log branches, two Tries, decide, two Confirms. */
  @Benchmark
  public Outcome tcc(World w) {
    return w.tcc.execute(w.tccTransfer);
  }

  /** 2PC: two prepares, decide, two commits. */
  @Benchmark
  public Outcome twoPhaseCommit(World w) {
    return w.twoPc.execute(w.twoPcTransfer);
  }

  /** Saga: two steps. */
  @Benchmark
  public Outcome saga(World w) {
    return w.sagas.execute(w.sagaTransfer);
  }
}
