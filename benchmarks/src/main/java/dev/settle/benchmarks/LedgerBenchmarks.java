package dev.settle.benchmarks;

import dev.settle.examples.ledger.EventLog;
import dev.settle.examples.ledger.Ledger;
import dev.settle.examples.ledger.LedgerState;
import dev.settle.examples.ledger.TransferCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The event-sourced ledger: commands fulfilled per second, and events replayed per second. */
public class LedgerBenchmarks {
  static final int BATCH = 1_000;
  static final int REPLAY = 100_000;

  /** A ledger with accounts, fresh per iteration so its log does not grow without bound. */
  @State(Scope.Thread)
  public static class Book {
    Ledger ledger;
    EventLog replayLog;
    TransferCommand[] commands = new TransferCommand[BATCH];
    long time;

    @Setup(Level.Iteration)
    public void open() {
      ledger = new Ledger(new EventLog(10_000));
      for (int a = 0; a < 100; a++) {
        ledger.open("a" + a, 1_000_000_000L, 0);
      }
      for (int i = 0; i < BATCH; i++) {
        commands[i] = new TransferCommand("a" + (i % 100), "a" + ((i + 7) % 100), 1 + i % 50, i);
      }
      replayLog = new EventLog(10_000);
      Ledger source = new Ledger(replayLog);
      for (int a = 0; a < 100; a++) {
        source.open("a" + a, 1_000_000_000L, 0);
      }
      for (int i = 0; i < REPLAY; i++) {
        source.submit(commands[i % BATCH]);
      }
      source.processAll();
    }
  }

  /** Commands validated and fulfilled as events. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int commands(Book book) {
    for (TransferCommand c : book.commands) {
      book.ledger.submit(c);
    }
    return book.ledger.processAll();
  }

  /** Events replayed from scratch. */
  @Benchmark
  @OperationsPerInvocation(REPLAY)
  public LedgerState replay(Book book) {
    return book.replayLog.replayFromScratch();
  }
}
