package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.log.internal.LogCodec;
import static dev.settle.core.log.FileTransactionLogTest.history;
import static dev.settle.core.log.FileTransactionLogTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions for issue 14, defects 1 and 2: a failed open deletes nothing; torn tails are told from damage. */
class FileTransactionLogIntegrityTest {
  @TempDir Path dir;

  static final String FIRST = "segment-000000000001.log";
  static final String SECOND = "segment-000000000002.log";

  /**
   * Every file in {@code dir} with its bytes, to prove a refused open changed nothing. The empty
   * lock file is left out: an open creates it before it can read anything, and deleting it again
   * would let two processes lock different files of the same name.
   */
  static Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        if (p.getFileName().toString().equals("lock") && Files.isRegularFile(p) && Files.size(p) == 0) {
          continue;
        }
        files.put(p.getFileName().toString(), Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
      }
    }
    return files;
  }

  static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void anEmptyOrGarbageNewerSegmentIsRefusedAndTheOlderOneKept() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(history("t1", false), true);
    }
    for (byte[] newer : List.of(new byte[0], "garbage, not a segment at all".getBytes())) {
      Files.write(dir.resolve(SECOND), newer);
      Map<String, byte[]> before = snapshot(dir);
      assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
          .isInstanceOf(CorruptLogException.class)
          .hasMessageContaining(dir.resolve(SECOND).toString())
          .hasMessageContaining("no file was changed")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertSameFiles(before, snapshot(dir));
    }
    Files.delete(dir.resolve(SECOND)); // the operator moves the bad file away: all data is back
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      assertThat(read(log)).isEqualTo(history("t1", false));
    }
  }

  @Test
  void openingKeepsAnOlderSegmentThatANewerOneSupersedes() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(history("t1", false), true);
    }
    byte[] older = Files.readAllBytes(dir.resolve(FIRST));
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      for (int i = 0; i < 30; i++) {
        log.append(history("d" + i, true), true); // rolls over; compaction deletes segment 1
      }
    }
    Path restored = dir.resolve("segment-000000000000.log"); // a stray older copy appears
    Files.write(restored, older);
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      assertThat(LogReplay.unfinished(log, "tcc")).containsOnlyKeys(TransactionId.of("t1"));
    }
    assertThat(restored).as("opening deletes nothing").exists();
  }

  /**
   * A torn last record whose payload holds frame-like bytes (a version-1 frame, and a copy of an
   * earlier frame of the same segment) is a torn tail, not damage in the middle.
   */
  @Test
  void aTornRecordWithFrameLikeBytesInItsPayloadIsCutOffNotRefused() throws IOException {
    List<LogRecord> kept = history("t1", false);
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(kept, true);
    }
    byte[] segment = Files.readAllBytes(dir.resolve(FIRST));
    byte[] earlierFrame = Arrays.copyOfRange(segment, 28, segment.length); // all frames so far
    byte[] v1Frame = versionOneFrame(new LogRecord.End(TransactionId.of("ghost")));
    byte[] payload = ByteBuffer.allocate(v1Frame.length + earlierFrame.length + 64)
        .put(v1Frame).put(earlierFrame).array();
    TransactionId tx = TransactionId.of("t2");
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(new LogRecord.BranchRegistered(tx, BranchId.of("b"), "shard", payload), true);
    }
    byte[] full = Files.readAllBytes(dir.resolve(FIRST));
    // Cut inside the padding after the embedded frames: they are complete, the record is torn.
    for (int cut = full.length - 63; cut < full.length; cut += 7) {
      Files.write(dir.resolve(FIRST), Arrays.copyOf(full, cut));
      try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
        assertThat(read(log)).as("cut at %d", cut).isEqualTo(kept);
      }
    }
  }

  /** The frame format of version 1: length, type, CRC32C of type and body, body. */
  static byte[] versionOneFrame(LogRecord record) {
    byte[] body = LogCodec.encode(record);
    CRC32C crc = new CRC32C();
    crc.update(body[1]);
    crc.update(body);
    return ByteBuffer.allocate(9 + body.length)
        .putInt(body.length).put(body[1]).putInt((int) crc.getValue()).put(body).array();
  }

  @Test
  void anUnknownFormatVersionIsRefusedClearly() throws IOException {
    for (int version : new int[] {1, 7}) {
      Files.write(dir.resolve(FIRST), ByteBuffer.allocate(28).putInt(0x53544C47).putInt(version).array());
      Map<String, byte[]> before = snapshot(dir);
      assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
          .isInstanceOf(CorruptLogException.class)
          .hasMessageContaining("format version " + version)
          .hasMessageContaining(version == 1 ? "release that wrote it" : "newer Settle");
      assertSameFiles(before, snapshot(dir));
    }
  }

  @Test
  void aSegmentUnderAnotherNumbersNameIsRefused() throws IOException {
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      log.append(history("t1", false), true);
    }
    Files.move(dir.resolve(FIRST), dir.resolve(SECOND));
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("holds segment 1 under another name");
  }

  @Test
  void aBadDirectoryOrLockFileIsRefusedInOneLine() throws IOException {
    Files.createDirectory(dir.resolve("lock"));
    assertThatThrownBy(() -> FileTransactionLog.builder(dir).open())
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("cannot create the lock file in " + dir);
  }
}
