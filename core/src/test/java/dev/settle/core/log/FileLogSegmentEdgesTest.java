package dev.settle.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The file log at the edges of its segments: the size setting's bounds, a roll-over exactly when
 * a segment reaches its size, history read back in append order across many segments, the
 * newest-segment marker written for a log that predates it, and the WARN an operator gets for a
 * torn tail, which says how many bytes were cut (and which a clean reopen never logs).
 */
class FileLogSegmentEdgesTest {
  @TempDir Path dir;

  @Test
  void theSegmentSizeIsBoundedBothWays() {
    long largest = FileTransactionLog.MAX_SEGMENT_BYTES / 2;
    FileTransactionLog.builder(dir).segmentBytes(1024);
    FileTransactionLog.builder(dir).segmentBytes(largest);
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).segmentBytes(1023))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segmentBytes must be between 1024 and " + largest + ", was 1023");
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).segmentBytes(largest + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * 1024 bytes hold the 28-byte header and exactly twelve 83-byte frames: the thirteenth append
   * finds the segment full and rolls over first, not one append later.
   */
  @Test
  void aSegmentRollsOverOnceItHasReachedItsSize() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      for (int i = 0; i < 12; i++) {
        log.append(new LogRecord.End(longId(i)), false);
      }
      assertThat(log.sizeOnDisk()).isEqualTo(1024);
      assertThat(segments()).containsExactly("segment-000000000001.log");
      log.append(new LogRecord.End(longId(12)), false);
      assertThat(segments()).containsExactly("segment-000000000002.log");
      assertThat(log.sizeOnDisk()).as("the new segment: header and the one record").isEqualTo(28 + 83);
    }
  }

  @Test
  void historyAcrossManySegmentsIsToldInAppendOrder() throws IOException {
    List<TransactionId> appended = new ArrayList<>();
    try (FileTransactionLog log =
        FileTransactionLog.builder(dir).segmentBytes(1024).historyRetention(Duration.ofHours(1)).open()) {
      for (int i = 0; i < 120; i++) { // ten segments' worth
        TransactionId tx = longId(i);
        appended.add(tx);
        log.append(new LogRecord.End(tx), false);
      }
      assertThat(segments()).hasSizeGreaterThanOrEqualTo(10);
      List<TransactionId> told = new ArrayList<>();
      log.replayHistory(r -> told.add(r.transactionId()));
      assertThat(told).containsExactlyElementsOf(appended);
    }
  }

  /** A log written before the marker existed gets one on its first open, naming its newest segment. */
  @Test
  void aLogFromBeforeTheNewestSegmentMarkerGetsOne() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      for (int i = 0; i < 13; i++) {
        log.append(new LogRecord.End(longId(i)), false);
      }
    }
    Path marker = dir.resolve(NewestMarker.NAME);
    Files.delete(marker);
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      assertThat(marker).exists();
      assertThat(NewestMarker.read(dir)).hasValue(2);
    }
  }

  @Test
  void aTornTailIsReportedWithItsSizeAndACleanReopenReportsNothing() throws IOException {
    Logger logger = (Logger) LoggerFactory.getLogger(FileTransactionLog.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      long end;
      try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
        log.append(new LogRecord.End(longId(0)), true);
        end = log.sizeOnDisk();
      }
      try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
        assertThat(log.sizeOnDisk()).isEqualTo(end);
      }
      assertThat(captured.list).filteredOn(e -> e.getLevel() == Level.WARN).isEmpty();

      try (RandomAccessFile file = new RandomAccessFile(dir.resolve("segment-000000000001.log").toFile(), "rw")) {
        file.seek(end);
        file.write(new byte[] {0, 0, 0, 40, 0}); // the start of a frame header a crash cut short
      }
      try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
        assertThat(log.sizeOnDisk()).isEqualTo(end);
      }
      assertThat(captured.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).startsWith("cut off a torn tail of 5 bytes at offset " + end));
      assertThat(Files.size(dir.resolve("segment-000000000001.log"))).isEqualTo(end);
    } finally {
      logger.detachAppender(captured);
    }
  }

  /** A 64-character id: an End of it is an 83-byte frame (16 header, 67 body). */
  private static TransactionId longId(int i) {
    String n = Integer.toString(i);
    return TransactionId.of("t".repeat(64 - n.length()) + n);
  }

  private List<String> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
    }
  }
}
