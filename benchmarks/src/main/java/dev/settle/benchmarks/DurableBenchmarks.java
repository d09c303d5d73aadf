package dev.settle.benchmarks;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.Durability;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The same transfers on the durable file log, and the log's appends on their own. */
public class DurableBenchmarks {
  /** A file log in a temporary directory. */
  @State(Scope.Benchmark)
  public static class Log {
    @Param({"GROUP_COMMIT"})
    public String durability;

    Path dir;
    FileTransactionLog log;
    TccCoordinator tcc;
    TwoPhaseCoordinator twoPc;
    TccTransaction tccTransfer;
    TwoPhaseTransaction twoPcTransfer;

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("settle-bench-");
      log = FileTransactionLog.builder(dir).durability(Durability.valueOf(durability)).open();
      Accounts node1 = new Accounts();
      Accounts node2 = new Accounts();
      tcc = TccCoordinator.builder().log(log).executor(Runnable::run).build();
      twoPc = TwoPhaseCoordinator.builder().log(log).executor(Runnable::run).build();
      tccTransfer =
          TccTransaction.builder()
              .branch("debit", Participants.tcc("n1", node1), new byte[0])
              .branch("credit", Participants.tcc("n2", node2), new byte[0])
              .build();
      twoPcTransfer =
          TwoPhaseTransaction.builder()
              .enlist("debit", Participants.twoPhase("n1", node1))
              .enlist("credit", Participants.twoPhase("n2", node2))
              .build();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      log.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** TCC with its branches and its decision forced (two forces, shared under group commit). */
  @Benchmark
  public Outcome tccOnFile(Log log) {
    return log.tcc.execute(log.tccTransfer);
  }

  /** 2PC with presumed abort: one forced write per transaction. */
  @Benchmark
  public Outcome twoPhaseCommitOnFile(Log log) {
    return log.twoPc.execute(log.twoPcTransfer);
  }

  /** The log alone: a ~100-byte decision record, forced. */
  @Benchmark
  public void forcedAppend(Log log) {
    TransactionId tx = TransactionId.of("bench");
    log.log.append(
        List.of(new LogRecord.BranchUpdated(tx, BranchId.of("b"), BranchState.COMMITTED, new byte[60]),
            new LogRecord.End(tx)),
        true);
  }
}
