package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTransactionLogTest {
  private static List<LogRecord> history(TransactionId tx, boolean ended) {
    return ended
        ? List.of(new LogRecord.Begin(tx, "2pc", 0, 1), new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.End(tx))
        : List.of(new LogRecord.Begin(tx, "2pc", 0, 1), new LogRecord.Decided(tx, Decision.COMMIT));
  }

  @Test
  void compactionDropsEndedTransactionsAndKeepsUnfinishedOnes() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TransactionId done = TransactionId.of("done");
    TransactionId open = TransactionId.of("open");
    log.append(history(done, true), true);
    log.append(history(open, false), true);
    log.compact();
    assertThat(log.records()).hasSize(2).allMatch(r -> r.transactionId().equals(open));
    assertThat(LogReplay.unfinished(log, "2pc")).containsOnlyKeys(open);
  }

  /**
   * Compaction starts by itself once 64 transactions have ended and they are at least half of
   * those held; then it drops every ended one and keeps each unfinished one whole.
   */
  @Test
  void compactionStartsAtItsThresholdAndKeepsUnfinishedTransactions() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    for (int i = 0; i < 64; i++) {
      log.append(history(TransactionId.of("open" + i), false), false);
    }
    for (int i = 0; i < 63; i++) {
      log.append(history(TransactionId.of("done" + i), true), false);
    }
    assertThat(log.size()).as("63 ended: below the threshold").isEqualTo(64 * 2 + 63 * 3);
    log.append(history(TransactionId.of("done63"), true), false);
    assertThat(log.size()).as("64 ended, half of the 128 held").isEqualTo(64 * 2);
    assertThat(LogReplay.unfinished(log, "2pc")).hasSize(64);
    log.append(history(TransactionId.of("after"), false), false); // appends still run after a size()
    assertThat(log.size()).isEqualTo(65 * 2);
  }

  /** A batch may hold records of several transactions; each is kept, and dropped, as its own. */
  @Test
  void aBatchSpanningTransactionsKeepsEachTransactionApart() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TransactionId first = TransactionId.of("first");
    TransactionId second = TransactionId.of("second");
    log.append(
        List.of(
            new LogRecord.Begin(first, "2pc", 0, 1),
            new LogRecord.Begin(second, "2pc", 0, 1),
            new LogRecord.Decided(second, Decision.ROLLBACK)),
        true);
    log.append(List.of(new LogRecord.Decided(first, Decision.COMMIT), new LogRecord.End(first)), true);
    log.compact();
    assertThat(log.records())
        .containsExactly(new LogRecord.Begin(second, "2pc", 0, 1), new LogRecord.Decided(second, Decision.ROLLBACK));
  }

  @Test
  void memoryStaysBoundedInALongRun() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    for (int i = 0; i < 20_000; i++) {
      log.append(history(TransactionId.of("t" + i), true), false);
    }
    assertThat(log.size()).isLessThan(3 * 200);
  }

  @Test
  void unfinishedFiltersByProtocol() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    log.append(new LogRecord.Begin(TransactionId.of("a"), "tcc", 0, 1), false);
    log.append(new LogRecord.Begin(TransactionId.of("b"), "saga", 0, 1), false);
    assertThat(LogReplay.unfinished(log, "saga")).containsOnlyKeys(TransactionId.of("b"));
  }

  @Test
  void aClosedLogRefusesAppends() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    log.close();
    assertThatThrownBy(() -> log.append(new LogRecord.End(TransactionId.of("x")), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("closed");
  }

  /**
   * Appends hold no lock shared by all transactions; replay still gives every record once, each
   * transaction's records in order, and each thread's appends in the order it made them.
   */
  @Test
  void concurrentAppendsReplayWholeAndInEachThreadsOrder() throws Exception {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    int threads = 4;
    int each = 500;
    onThreads(threads, me -> {
      for (int i = 0; i < each; i++) {
        log.append(history(TransactionId.of("w" + me + "-" + i), i % 2 == 0), true);
      }
    });
    List<LogRecord> records = log.records();
    assertThat(records).hasSize(threads * each / 2 * 5);
    for (int t = 0; t < threads; t++) {
      String prefix = "w" + t + "-";
      List<String> mine =
          records.stream().map(r -> r.transactionId().value()).filter(v -> v.startsWith(prefix)).distinct().toList();
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < each; i++) {
        expected.add(prefix + i);
      }
      assertThat(mine).as("writer %s's transactions in the order it began them", t).isEqualTo(expected);
    }
    java.util.Map<TransactionId, List<String>> kinds = new java.util.HashMap<>();
    for (LogRecord r : records) {
      kinds.computeIfAbsent(r.transactionId(), k -> new java.util.ArrayList<>()).add(r.getClass().getSimpleName());
    }
    assertThat(kinds.get(TransactionId.of("w1-2"))).containsExactly("Begin", "Decided", "End");
    assertThat(kinds.get(TransactionId.of("w3-7"))).containsExactly("Begin", "Decided");
  }

  @Test
  void compactionWhileOthersAppendKeepsEveryUnfinishedTransaction() throws Exception {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    int threads = 4;
    int each = 2_000;
    onThreads(threads, me -> {
      for (int i = 0; i < each; i++) {
        log.append(history(TransactionId.of("c" + me + "-" + i), i % 10 != 0), true);
      }
    });
    log.compact();
    assertThat(LogReplay.unfinished(log, "2pc")).hasSize(threads * each / 10);
    assertThat(log.size()).isEqualTo(threads * each / 10 * 2);
  }

  /**
   * A snapshot taken while appends go on holds every append that returned before it and no part
   * of one under way: one writer's transactions, each appended as one batch, show in every
   * snapshot as a gap-free prefix of whole batches.
   */
  @Test
  void aSnapshotTakenDuringAppendsHoldsAGapFreePrefixOfWholeBatches() throws Exception {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    int transactions = 20_000;
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < transactions; i++) {
                log.append(history(TransactionId.of("s" + i), true), true);
              }
            });
    writer.start();
    int snapshots = 0;
    while (writer.isAlive() || snapshots == 0) {
      List<LogRecord> records = log.records();
      snapshots++;
      assertThat(records.size() % 3).as("whole batches only").isZero();
      for (int i = 0; i < records.size(); i++) {
        assertThat(records.get(i).transactionId().value())
            .as("record %s of a snapshot of %s", i, records.size())
            .isEqualTo("s" + (i / 3));
      }
    }
    writer.join(30_000);
    assertThat(log.records()).hasSize(transactions * 3);
  }

  /** Runs {@code body} on {@code threads} threads at once, each given its number, and waits. */
  private static void onThreads(int threads, java.util.function.IntConsumer body) throws InterruptedException {
    List<Thread> running = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      Thread thread = new Thread(() -> body.accept(me));
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join(30_000);
    }
  }
}
