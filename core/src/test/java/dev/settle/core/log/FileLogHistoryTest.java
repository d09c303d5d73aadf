package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file log keeps ended transactions for its history retention, across compactions and
 * restarts, so that they can still be explained; past the retention, or with none, a compaction
 * forgets them as before.
 */
class FileLogHistoryTest {
  private static final TransactionId FIRST = new TransactionId("first");

  @Test
  void anEndedTransactionIsExplainedAfterCompactionsAndARestartWhileTheRetentionKeepsIt(@TempDir Path dir) {
    try (FileTransactionLog log = open(dir, Duration.ofHours(1))) {
      endMany(log);
      assertThat(segments(dir)).as("compactions kept superseded segments").hasSizeGreaterThan(1);
      assertThat(Explain.of(log, FIRST)).get().satisfies(e -> assertThat(e.outcome()).isEqualTo("committed"));
    }
    try (FileTransactionLog reopened = open(dir, Duration.ofHours(1))) {
      assertThat(Explain.of(reopened, FIRST)).as("after a restart").isPresent();
      List<LogRecord> replayed = new java.util.ArrayList<>();
      reopened.replay(replayed::add);
      assertThat(replayed).as("recovery still sees only what the current segment holds")
          .noneMatch(r -> r.transactionId().equals(FIRST));
    }
  }

  @Test
  void withoutARetentionACompactionForgetsEndedTransactionsAsBefore(@TempDir Path dir) {
    try (FileTransactionLog log = open(dir, Duration.ZERO)) {
      endMany(log);
      assertThat(segments(dir)).hasSize(1);
      assertThat(Explain.of(log, FIRST)).isEmpty();
    }
  }

  @Test
  void aSegmentOlderThanTheRetentionIsDeletedAtTheNextCompaction(@TempDir Path dir) throws Exception {
    try (FileTransactionLog log = open(dir, Duration.ofHours(1))) {
      endMany(log);
      Instant longAgo = Instant.now().minus(Duration.ofHours(2));
      for (Path segment : segments(dir)) {
        Files.setLastModifiedTime(segment, FileTime.from(longAgo)); // superseded two hours ago
      }
      endMany(log); // more compactions: the aged segments go
      assertThat(Explain.of(log, FIRST)).isEmpty();
    }
  }

  @Test
  void aDamagedHistorySegmentIsSkippedAndTheRestIsStillExplained(@TempDir Path dir) throws Exception {
    try (FileTransactionLog log = open(dir, Duration.ofHours(1))) {
      endMany(log);
      Path oldest = segments(dir).stream().sorted().findFirst().orElseThrow();
      byte[] bytes = Files.readAllBytes(oldest);
      bytes[bytes.length / 2] ^= 0x55;
      Files.write(oldest, bytes);
      TransactionId newest = new TransactionId("tx-" + ended);

      assertThat(Explain.of(log, newest)).as("the current segment still explains").isPresent();
      assertThat(Explain.all(log)).isNotEmpty();
    }
  }

  @Test
  void aCompactionDuringTheReadHidesNoTransactionThatHadEnded(@TempDir Path dir) throws Exception {
    try (FileTransactionLog log = open(dir, Duration.ofHours(1))) {
      java.util.concurrent.atomic.AtomicLong endedUpTo = new java.util.concurrent.atomic.AtomicLong(-1);
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      Thread writer = new Thread(() -> {
        for (long i = 0; !stop.get(); i++) {
          TransactionId tx = new TransactionId("w-" + i);
          log.append(List.of(
              new LogRecord.Begin(tx, "tcc", 0, Long.MAX_VALUE, "node"),
              new LogRecord.BranchRegistered(tx, new BranchId("b"), "p", new byte[40])), true);
          log.append(List.of(
              new LogRecord.Decided(tx, Decision.COMMIT),
              new LogRecord.BranchUpdated(tx, new BranchId("b"), BranchState.COMMITTED),
              new LogRecord.End(tx)), true);
          endedUpTo.set(i);
        }
      });
      writer.start();
      try {
        for (int run = 0; run < 100; run++) {
          long upTo = endedUpTo.get();
          java.util.Map<TransactionId, String> outcomes = new java.util.HashMap<>();
          Explain.all(log).forEach(e -> outcomes.put(e.transactionId(), e.outcome()));
          for (long i = 0; i <= upTo; i++) {
            assertThat(outcomes.get(new TransactionId("w-" + i))).as("w-" + i + " in run " + run).isEqualTo("committed");
          }
        }
      } finally {
        stop.set(true);
        writer.join();
      }
    }
  }

  @Test
  void aNegativeRetentionIsRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).historyRetention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historyRetention must not be negative");
  }

  private static FileTransactionLog open(Path dir, Duration retention) {
    return FileTransactionLog.builder(dir).segmentBytes(1024).historyRetention(retention).open();
  }

  private int ended;

  /**
   * Enough ended transactions to roll 1 KiB segments over several times; the very first one of a
   * test is {@link #FIRST}.
   */
  private void endMany(FileTransactionLog log) {
    for (int i = 0; i < 60; i++) {
      TransactionId tx = ended++ == 0 ? FIRST : new TransactionId("tx-" + ended);
      log.append(
          List.of(
              new LogRecord.Begin(tx, "tcc", 0, Long.MAX_VALUE, "node"),
              new LogRecord.BranchRegistered(tx, new BranchId("b"), "p", new byte[40]),
              new LogRecord.Decided(tx, Decision.COMMIT),
              new LogRecord.BranchUpdated(tx, new BranchId("b"), BranchState.COMMITTED),
              new LogRecord.End(tx)),
          true);
    }
  }

  private static List<Path> segments(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("segment-\\d{12}\\.log")).toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
