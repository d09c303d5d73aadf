package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTransactionLogTest {
  @TempDir Path dir;

  static List<LogRecord> history(String id, boolean ended) {
    TransactionId tx = TransactionId.of(id);
    List<LogRecord> records = new ArrayList<>();
    records.add(new LogRecord.Begin(tx, "tcc", 1, 2));
    records.add(new LogRecord.BranchRegistered(tx, BranchId.of("b"), "shard", new byte[] {1, 2, 3}));
    records.add(new LogRecord.Decided(tx, Decision.COMMIT));
    records.add(new LogRecord.BranchUpdated(tx, BranchId.of("b"), BranchState.COMMITTED));
    if (ended) {
      records.add(new LogRecord.End(tx));
    }
    return records;
  }

  static List<LogRecord> read(FileTransactionLog log) {
    List<LogRecord> records = new ArrayList<>();
    log.replay(records::add);
    return records;
  }

  Path segment() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
    }
  }

  @Test
  void recordsSurviveCloseAndReopenInEveryDurabilityMode() {
    for (Durability mode : Durability.values()) {
      Path sub = dir.resolve(mode.name());
      sub.toFile().mkdir();
      try (FileTransactionLog log = FileTransactionLog.builder(sub).durability(mode).open()) {
        log.append(history("t1", false), true);
      }
      try (FileTransactionLog log = FileTransactionLog.builder(sub).durability(mode).open()) {
        assertThat(read(log)).isEqualTo(history("t1", false));
      }
    }
  }

  @Test
  void aTornTailIsCutOffAtEveryByteOffsetOfTheLastRecord() throws IOException {
    List<LogRecord> records = history("t1", false);
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(records.subList(0, 3), true);
    }
    long before = Files.size(segment());
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(records.subList(3, 4), true);
    }
    byte[] full = Files.readAllBytes(segment());
    for (long cut = before; cut < full.length; cut++) {
      Files.write(segment(), java.util.Arrays.copyOf(full, (int) cut));
      try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
        assertThat(read(log)).as("cut at %d", cut).isEqualTo(records.subList(0, 3));
        assertThat(Files.size(segment())).isEqualTo(before);
      }
    }
  }

  @Test
  void aCorruptTailIsCutOffAtEveryByteOffsetOfTheLastRecord() throws IOException {
    List<LogRecord> records = history("t1", false);
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(records.subList(0, 3), true);
    }
    long before = Files.size(segment());
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(records.subList(3, 4), true);
    }
    byte[] full = Files.readAllBytes(segment());
    for (int at = (int) before; at < full.length; at++) {
      byte[] bad = full.clone();
      bad[at] ^= 0x5A;
      Files.write(segment(), bad);
      try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
        assertThat(read(log)).as("flip at %d", at).isEqualTo(records.subList(0, 3));
      }
      Files.write(segment(), full);
    }
  }

  @Test
  void corruptionInTheMiddleIsReportedWithItsOffset() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(history("t1", false), true);
      log.append(history("t2", false), true);
    }
    byte[] bytes = Files.readAllBytes(segment());
    int at = Frames.SEGMENT_HEADER + Frames.HEADER + 3; // inside the first record's body
    bytes[at] ^= 0x01;
    Files.write(segment(), bytes);
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
        .isInstanceOfSatisfying(CorruptLogException.class, e -> assertThat(e.offset()).isEqualTo(Frames.SEGMENT_HEADER))
        .hasMessageContaining("damaged in the middle");
  }

  @Test
  void rolloverDropsFinishedTransactionsAndKeepsDiskUseBounded() {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(4_096).open()) {
      log.append(history("open-1", false), true);
      for (int i = 0; i < 2_000; i++) {
        log.append(history("done-" + i, true), i % 10 == 0);
      }
      log.append(history("open-2", false), true);
      assertThat(log.sizeOnDisk()).isLessThan(2 * 4_096);
    }
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(4_096).open()) {
      assertThat(LogReplay.unfinished(log, "tcc")).containsOnlyKeys(TransactionId.of("open-1"), TransactionId.of("open-2"));
    }
  }

  @Test
  void aCrashMidCompactionLeavesOneCompleteSegment() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      log.append(history("t1", false), true);
    }
    Files.write(dir.resolve("segment-2.tmp"), new byte[] {1, 2, 3}); // an interrupted compaction
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      assertThat(read(log)).isEqualTo(history("t1", false));
      assertThat(dir.resolve("segment-2.tmp")).as("opening deletes nothing").exists();
      for (int i = 0; i < 20; i++) {
        log.append(history("d" + i, true), true); // rolls over: the next compaction cleans up
      }
      assertThat(read(log)).containsAll(history("t1", false));
    }
    assertThat(dir.resolve("segment-2.tmp")).doesNotExist();
  }

  @Test
  void groupCommitSharesFlushesAmongConcurrentAppends() throws Exception {
    int threads = 16;
    int perThread = 50;
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        all.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            log.append(history("g" + thread + "-" + i, true), true);
          }
        }));
      }
      for (Future<?> f : all) {
        f.get();
      }
      pool.shutdown();
      assertThat(log.forces()).isLessThan(threads * perThread);
    }
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      assertThat(read(log)).hasSize(threads * perThread * 5);
    }
  }

  /**
   * Regression: group commit compared positions of different segments after a rollover, and its
   * waiters hung forever (found by the 64-thread durable benchmark).
   */
  @Test
  void groupCommitNeverHangsAcrossRollovers() {
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(60),
        () -> {
          try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(2_048).open()) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
              int thread = t;
              all.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                  log.append(history("r" + thread + "-" + i, true), true);
                }
              }));
            }
            for (Future<?> f : all) {
              f.get();
            }
            pool.shutdown();
            assertThat(log.sizeOnDisk()).isLessThan(4 * 2_048);
          }
        });
  }

  @Test
  void aSecondCoordinatorCannotOpenTheSameLog() {
    try (FileTransactionLog first = FileTransactionLog.builder(dir).open()) {
      assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
          .isInstanceOf(TransactionLogException.class)
          .hasMessageContaining("another coordinator has the transaction log");
    }
    FileTransactionLog.builder(dir).open().close(); // free again once closed
  }

  @Test
  void clearErrorsForABadDirectoryAndAClosedLog() throws IOException {
    assertThatThrownBy(() -> FileTransactionLog.builder(dir.resolve("missing")).open())
        .hasMessageContaining("directory does not exist");
    Path file = Files.createFile(dir.resolve("plain-file"));
    assertThatThrownBy(() -> FileTransactionLog.builder(file).open()).hasMessageContaining("not a directory");
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).segmentBytes(10)).hasMessageContaining("segmentBytes");
    FileTransactionLog log = FileTransactionLog.builder(dir).open();
    log.close();
    assertThatThrownBy(() -> log.append(history("x", true), true)).hasMessageContaining("is closed");
  }

  @Test
  void aForeignFileIsNotTakenForASegment() throws IOException {
    Files.write(dir.resolve("segment-000000000001.log"), new byte[] {'h', 'e', 'l', 'l', 'o', '!', '!', '!'});
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("not a Settle log segment");
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("segment-000000000001.log").toFile(), "rw")) {
      f.setLength(0);
    }
  }
}
