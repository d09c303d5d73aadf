package dev.settle.benchmarks;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** How a TCC transaction's cost grows with its branches (compare ops/s times branches). */
public class BranchBenchmarks {
  /** A transaction of N branches on N nodes. */
  @State(Scope.Benchmark)
  public static class Wide {
    @Param({"2", "8", "64"})
    public int branches;

    TccCoordinator tcc;
    TccTransaction transaction;

    @Setup(Level.Trial)
    public void build() {
      tcc = TccCoordinator.builder().log(new InMemoryTransactionLog()).executor(Runnable::run).build();
      TccTransaction.Builder b = TccTransaction.builder();
      for (int i = 0; i < branches; i++) {
        b.branch("b" + i, Participants.tcc("n" + i, new Accounts()), new byte[0]);
      }
      transaction = b.build();
    }
  }

  /** One transaction of N branches. */
  @Benchmark
  public Outcome tccBranches(Wide w) {
    return w.tcc.execute(w.transaction);
  }
}
