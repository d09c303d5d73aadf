package dev.settle.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The file log against power failures, not just killed processes: a kill -9 leaves the operating
 * system's cache to finish every write, so a missing fsync passes every process-crash test. Here
 * the log's disk operations are recorded ({@link PowerLossDisk}) while transactions run through
 * roll-overs and compactions, and at every point of that history each state a power failure may
 * leave (files as of their last fsync; directory entries as of the directory's last fsync plus any
 * subset of the renames, creations and deletions since) is rebuilt in a fresh directory and
 * opened. Each time the log must open, hold only records that
 * were appended, and keep every record whose forced append had returned (unless its transaction's
 * End was appended and compacted it away); once close() returned, it must keep everything.
 */
class FileLogPowerLossTest {
  @TempDir Path dir;
  @TempDir Path crashes;

  @ParameterizedTest
  @EnumSource(Durability.class)
  void everyStateAPowerFailureCanLeaveOpensAndKeepsWhatWasForced(Durability durability) throws IOException {
    Path live = dir.resolve("live");
    Files.createDirectories(live);
    List<Append> appends = workload();
    PowerLossDisk disk = new PowerLossDisk(live).start();
    try {
      try (FileTransactionLog log =
          FileTransactionLog.builder(live).durability(durability).segmentBytes(2048).open()) {
        for (int i = 0; i < appends.size(); i++) {
          disk.mark("start", i);
          log.append(appends.get(i).records(), appends.get(i).force());
          disk.mark("returned", i);
        }
      }
      disk.mark("closed", -1);
    } finally {
      disk.close();
    }

    List<PowerLossDisk.Step> steps = disk.steps();
    assertThat(steps)
        .filteredOn(s -> s instanceof PowerLossDisk.Moved m && m.to().toString().startsWith("segment-"))
        .as("segments made: the first and at least three roll-overs")
        .hasSizeGreaterThanOrEqualTo(4);
    Set<LogRecord> everAppended = new HashSet<>();
    appends.forEach(a -> everAppended.addAll(a.records()));
    int images = 0;
    for (int count = 0; count <= steps.size(); count++) {
      int pending = Math.min(PowerLossDisk.pendingDirectoryOperations(steps, count), 5);
      for (int kept = 0; kept < 1 << pending; kept++) {
        images++;
        Path image = crashes.resolve("at-" + count + "-" + kept);
        Files.createDirectories(image);
        PowerLossDisk.crashImage(steps, count, kept, image);
        List<LogRecord> survived = new ArrayList<>();
        try (FileTransactionLog reopened = FileTransactionLog.builder(image).open()) {
          reopened.replay(survived::add);
        } catch (RuntimeException e) {
          throw new AssertionError("the log does not open after a power failure at step " + count + " of "
              + steps.size() + " (" + (count == 0 ? "start" : steps.get(count - 1)) + "), directory operations kept "
              + Integer.toBinaryString(kept) + " of " + pending, e);
        }
        assertThat(everAppended).as("at step %d: only appended records", count).containsAll(survived);
        checkForcedRecordsSurvived(durability, appends, steps.subList(0, count), survived, count);
        deleteTree(image);
      }
    }
    assertThat(images).isGreaterThan(steps.size());
  }

  /**
   * A forced append that returned before the crash is kept, and once close() returned every
   * append is; with {@code NONE} (no fsync at all) nothing is promised. A transaction missing from the replay is
   * fine only if its End had been appended: compaction drops ended transactions.
   */
  private static void checkForcedRecordsSurvived(
      Durability durability, List<Append> appends, List<PowerLossDisk.Step> before, List<LogRecord> survived, int at) {
    boolean closed = before.stream().anyMatch(s -> s instanceof PowerLossDisk.Mark m && m.what().equals("closed"));
    Set<Integer> returned = new HashSet<>();
    Set<Integer> started = new HashSet<>();
    for (PowerLossDisk.Step s : before) {
      if (s instanceof PowerLossDisk.Mark m && m.what().equals("returned")) {
        returned.add(m.append());
      } else if (s instanceof PowerLossDisk.Mark m && m.what().equals("start")) {
        started.add(m.append());
      }
    }
    Set<TransactionId> endStarted = new HashSet<>();
    for (int i : started) {
      for (LogRecord r : appends.get(i).records()) {
        if (r instanceof LogRecord.End) {
          endStarted.add(r.transactionId());
        }
      }
    }
    Set<TransactionId> present = new HashSet<>();
    survived.forEach(r -> present.add(r.transactionId()));
    for (int i : returned) {
      Append a = appends.get(i);
      boolean promised = durability != Durability.NONE && (closed || a.force());
      if (!promised) {
        continue;
      }
      for (LogRecord r : a.records()) {
        if (present.contains(r.transactionId()) || !endStarted.contains(r.transactionId())) {
          assertThat(survived).as("at step %d, append %d (forced %s) was lost", at, i, a.force()).contains(r);
        }
      }
    }
  }

  /** One call: records of one transaction, forced or not. */
  private record Append(List<LogRecord> records, boolean force) {}

  /**
   * Forty TCC-like transactions, interleaved so that roll-overs carry unfinished ones: Begin and
   * branches forced, state changes unforced, decisions forced, Ends unforced; every fifth never
   * ends, so compactions carry it to every new segment.
   */
  private static List<Append> workload() {
    Map<Integer, List<Append>> byTx = new LinkedHashMap<>();
    for (int t = 0; t < 40; t++) {
      TransactionId tx = TransactionId.of("tx-" + t);
      BranchId branch = BranchId.of("b");
      List<Append> calls = new ArrayList<>();
      calls.add(new Append(List.of(new LogRecord.Begin(tx, "tcc", 0, 100), new LogRecord.BranchRegistered(tx, branch, "shard", new byte[] {(byte) t})), true));
      calls.add(new Append(List.of(new LogRecord.BranchUpdated(tx, branch, dev.settle.core.BranchState.PREPARED)), false));
      calls.add(new Append(List.of(new LogRecord.Decided(tx, t % 3 == 0 ? Decision.ROLLBACK : Decision.COMMIT)), true));
      if (t % 5 != 4) {
        calls.add(new Append(List.of(new LogRecord.End(tx)), false));
      }
      byTx.put(t, calls);
    }
    List<Append> all = new ArrayList<>();
    for (int t = 0; t < 40; t += 4) {
      for (int round = 0; round < 4; round++) {
        for (int k = t; k < t + 4; k++) { // four transactions at a time, a step of each in turn
          List<Append> calls = byTx.get(k);
          if (round < calls.size()) {
            all.add(calls.get(round));
          }
        }
      }
    }
    return all;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
