package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static dev.settle.core.log.FileTransactionLogIntegrityTest.FIRST;
import static dev.settle.core.log.FileTransactionLogIntegrityTest.SECOND;
import static dev.settle.core.log.FileTransactionLogIntegrityTest.assertSameFiles;
import static dev.settle.core.log.FileTransactionLogIntegrityTest.snapshot;
import static dev.settle.core.log.FileTransactionLogTest.history;
import static dev.settle.core.log.FileTransactionLogTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.settle.core.TransactionLogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's corruption matrix on real files: after any damage, opening either keeps every record
 * before the damage (and the log takes appends again), or refuses in one line and changes no file.
 * Damage to the very last record cannot be told from a torn write, so it is cut off like one.
 */
class FileTransactionLogCorruptionMatrixTest {
  @TempDir Path dir;
  List<LogRecord> records;
  /** Where each record's frame ends in the segment; frame i spans [ends[i-1], ends[i]). */
  List<Integer> ends;
  byte[] full;

  @BeforeEach
  void writeALog() throws IOException {
    records = new ArrayList<>();
    ends = new ArrayList<>();
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      for (String id : List.of("a", "b")) {
        for (LogRecord record : history(id, id.equals("a"))) {
          log.append(record, true);
          records.add(record);
          ends.add((int) log.sizeOnDisk());
        }
      }
    }
    full = Files.readAllBytes(dir.resolve(FIRST));
    assertThat(full).hasSize(ends.get(ends.size() - 1));
  }

  /** Opens the damaged directory and checks that one of the two allowed results happened. */
  Outcome openAfterDamage() throws IOException {
    Map<String, byte[]> before = snapshot(dir);
    List<LogRecord> seen;
    // Durability NONE for the check's own append: the matrix is about what opening does.
    try (FileTransactionLog log = FileTransactionLog.builder(dir).durability(Durability.NONE).open()) {
      seen = read(log);
      log.append(history("after", false), true); // the log is usable again
    } catch (TransactionLogException e) {
      assertThat(e.getMessage()).as("one line").doesNotContain("\n").contains(dir.toString());
      assertSameFiles(before, snapshot(dir));
      return new Outcome(null, e.getMessage());
    }
    try (FileTransactionLog log = FileTransactionLog.builder(dir).open()) {
      assertThat(read(log)).as("appends after the repair survive a reopen").endsWith(history("after", false).toArray(new LogRecord[0]));
    }
    return new Outcome(seen, null);
  }

  record Outcome(List<LogRecord> kept, String refusal) {}

  int frameHolding(int offset) {
    for (int i = 0; i < ends.size(); i++) {
      if (offset < ends.get(i)) {
        return i;
      }
    }
    throw new IllegalArgumentException("offset " + offset + " is past the log");
  }

  @Test
  void truncationAtEveryOffsetOfTheLastTwoRecordsKeepsEverythingBeforeIt() throws IOException {
    int n = records.size();
    for (int cut = ends.get(n - 3); cut < full.length; cut++) {
      Files.write(dir.resolve(FIRST), Arrays.copyOf(full, cut));
      Outcome outcome = openAfterDamage();
      int whole = cut >= ends.get(n - 2) ? n - 1 : n - 2;
      assertThat(outcome.kept()).as("cut at %d", cut).isEqualTo(records.subList(0, whole));
    }
  }

  @Test
  void aBitFlipAnywhereIsRefusedUnlessItHitsTheLastRecord() throws IOException {
    int last = records.size() - 1;
    for (int at = 0; at < full.length; at++) {
      for (int bit = at % 8; bit < 8; bit += 8) { // one bit per byte, each bit position in turn
        byte[] bad = full.clone();
        bad[at] ^= (byte) (1 << bit);
        Files.write(dir.resolve(FIRST), bad);
        Outcome outcome = openAfterDamage();
        if (at >= Frames.SEGMENT_HEADER && frameHolding(at) == last) {
          assertThat(outcome.kept()).as("flip in the last record at %d", at).isEqualTo(records.subList(0, last));
        } else if (outcome.refusal() == null) {
          fail("a flip at %d (bit %d) was not refused; kept %s", at, bit, outcome.kept());
        }
      }
    }
    Files.write(dir.resolve(FIRST), full);
    assertThat(openAfterDamage().kept()).isEqualTo(records);
  }

  @Test
  void emptyGarbageAndMisnamedSegmentsAreRefusedWithoutTouchingAnything() throws IOException {
    for (byte[] newer : List.of(new byte[0], new byte[] {1, 2, 3}, Arrays.copyOf(full, 20), new byte[4096])) {
      Files.write(dir.resolve(SECOND), newer);
      assertThat(openAfterDamage().refusal()).isNotNull();
    }
    Files.delete(dir.resolve(SECOND));
    Files.copy(dir.resolve(FIRST), dir.resolve(SECOND)); // a stray copy under the newer name
    assertThat(openAfterDamage().refusal()).contains("under another name");
    Files.delete(dir.resolve(SECOND));
    assertThat(openAfterDamage().kept()).isEqualTo(records);
  }

  @Test
  void aMissingNewestSegmentIsRefusedNotTakenForTheEndOfTheLog() throws IOException {
    Files.move(dir.resolve(FIRST), dir.resolve("moved-away"));
    assertThat(openAfterDamage().refusal()).contains("no segment is there", "restore the missing segment");
    Files.move(dir.resolve("moved-away"), dir.resolve(FIRST));
    try (FileTransactionLog log = FileTransactionLog.builder(dir).segmentBytes(1024).open()) {
      for (int i = 0; log.sizeOnDisk() < 1024 || i < 2; i++) {
        log.append(history("fill" + i, true), true);
      }
      log.append(history("rolls-over", false), true); // segment 2 is now the newest; 1 is deleted
    }
    assertThat(dir.resolve(FIRST)).doesNotExist();
    Files.write(dir.resolve(FIRST), full); // a stale older copy comes back...
    Files.move(dir.resolve(SECOND), dir.resolve("moved-away")); // ...and the newest goes missing
    assertThat(openAfterDamage().refusal()).contains("the newest there is " + FIRST);
    Files.move(dir.resolve("moved-away"), dir.resolve(SECOND));
    assertThat(openAfterDamage().kept()).containsAll(records.subList(5, records.size())); // b, unfinished
    Files.writeString(dir.resolve(NewestMarker.NAME), "scribbled over");
    assertThat(openAfterDamage().refusal()).contains("newest-segment is damaged");
  }

  @Test
  void aDirectoryInPlaceOfTheNewestSegmentIsRefused() throws IOException {
    Files.createDirectory(dir.resolve(SECOND));
    assertThat(openAfterDamage().refusal()).contains(SECOND);
  }

  @Test
  void aReadOnlySegmentIsRefused() throws IOException {
    Path segment = dir.resolve(FIRST);
    Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("r--r--r--"));
    try {
      Assumptions.assumeFalse(Files.isWritable(segment), "running as root: read-only files are still writable");
      assertThat(openAfterDamage().refusal()).contains("make it writable");
    } finally {
      Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
