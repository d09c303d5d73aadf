package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Callers whose thread is interrupted before or during execute. */
class InterruptsTest {
  /**
   * The planted bug, as a log on {@code FileChannel} had it: an append on a thread whose interrupt
   * flag is set closes the log for good, for every thread.
   */
  static final class ClosedByInterruptLog implements TransactionLog {
    private final TransactionLog log;
    private boolean closed;

    ClosedByInterruptLog(TransactionLog log) {
      this.log = log;
    }

    @Override
    public synchronized void append(List<LogRecord> records, boolean force) {
      if (Thread.currentThread().isInterrupted()) {
        closed = true;
      }
      if (closed) {
        throw new TransactionLogException("cannot write the transaction log (is the disk full?): null", null);
      }
      log.append(records, force);
    }

    @Override
    public void replay(Consumer<LogRecord> sink) {
      log.replay(sink);
    }

    @Override
    public void close() {
      log.close();
    }
  }

  @Test
  void interruptedCallersGetTruthfulOutcomesOnTheInMemoryLog() {
    SimulationResult result =
        Simulation.withSeed(4242)
            .faults(new FaultPlan(0.02, 0.02, 0.02, 0.02, 0).withInterrupt(0.1))
            .crashEvery(37)
            .transactions(2_000)
            .run(TccScenario::fenced);
    assertThat(result.world().interrupts()).isPositive();
  }

  @Test
  void catchesALogThatAnInterruptCloses() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(FaultPlan.none().withInterrupt(0.1)).transactions(30),
        world ->
            new TccScenario(world, new dev.settle.tcc.fence.InMemoryTccFence(world.clock(), java.time.Duration.ofMinutes(10))::protect) {
              private ClosedByInterruptLog planted;

              @Override
              public dev.settle.core.Coordinator<dev.settle.tcc.TccTransaction> coordinator(World w, TransactionLog log) {
                if (planted == null) {
                  planted = new ClosedByInterruptLog(log); // one log per process, as on disk
                }
                return super.coordinator(w, planted);
              }
            },
        "the transaction log");
  }
}
