package dev.settle.testkit;

import dev.settle.core.TransactionLogException;
import dev.settle.core.log.Durability;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real {@link FileTransactionLog} in a temporary directory whose process can die and whose files
 * can be damaged before the restart, as a crash leaves them: the tail written since the last
 * forced append torn off or with a flipped bit, or an empty newer segment (a crash while starting
 * one). The log runs without flushing ({@link Durability#NONE}); what counts as durable is what a
 * forced append covered, as the coordinator was told.
 *
 * <p>After each restart the reopened log must hold every record a forced append covered, in
 * order; or it may refuse to open with a {@link TransactionLogException}, and then, as an
 * operator would, the harness puts the damaged files back as they were and opens again.
 */
final class DamagedFileLog implements TransactionLog {
  private static final String SEGMENT = "segment-\\d{12}\\.log";

  private final Path directory;
  private final Random random;
  private final double damageRate;
  private FileTransactionLog log;
  private final List<LogRecord> appended = new ArrayList<>();
  private int forcedRecords;
  private long forcedBytes;
  private long damages;
  private long refusedOpens;

  DamagedFileLog(Random random, double damageRate) {
    this.random = random;
    this.damageRate = damageRate;
    try {
      this.directory = Files.createTempDirectory("settle-sim-log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.log = open();
  }

  @Override
  public synchronized void append(List<LogRecord> records, boolean force) {
    log.append(records, force);
    appended.addAll(records);
    if (force) {
      forcedRecords = appended.size();
      forcedBytes = log.sizeOnDisk();
    }
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    current().replay(sink);
  }

  private synchronized FileTransactionLog current() {
    return log;
  }

  @Override
  public synchronized void close() {
    log.close();
  }

  /** The process died: close the files, maybe damage them, open again and check what survived. */
  synchronized void crashAndReopen() {
    try {
      log.close();
    } catch (TransactionLogException alreadyBroken) {
      // a dying process closes nothing cleanly
    }
    Snapshot before = null;
    if (damageRate > 0 && random.nextDouble() < damageRate) {
      before = Snapshot.of(directory);
      damage();
      damages++;
    }
    try {
      log = open();
    } catch (TransactionLogException refused) {
      if (before == null) {
        throw refused;
      }
      refusedOpens++;
      before.restore(directory);
      log = open();
    }
    List<LogRecord> kept = new ArrayList<>();
    log.replay(kept::add);
    List<LogRecord> forced = appended.subList(0, forcedRecords);
    if (kept.size() < forced.size() || !kept.subList(0, forced.size()).equals(forced)) {
      int at = 0;
      while (at < Math.min(kept.size(), forced.size()) && kept.get(at).equals(forced.get(at))) {
        at++;
      }
      throw new AssertionError(
          "durability: after a crash" + (before == null ? "" : " and log damage") + " the log lost"
              + " or changed forced record " + at + " of " + forced.size() + " ("
              + forced.get(Math.min(at, forced.size() - 1)) + "); it holds " + kept.size() + " records");
    }
    appended.clear();
    appended.addAll(kept);
    forcedRecords = kept.size();
    forcedBytes = log.sizeOnDisk();
  }

  /** Deletes the directory; the log must be closed. */
  synchronized void delete() {
    try {
      log.close();
    } catch (TransactionLogException ignored) {
      // deleting anyway
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary directory; the system cleans it some day
    }
  }

  synchronized long damages() {
    return damages;
  }

  synchronized long refusedOpens() {
    return refusedOpens;
  }

  private FileTransactionLog open() {
    return FileTransactionLog.builder(directory).durability(Durability.NONE).open();
  }

  private void damage() {
    try {
      Path newest = newestSegment();
      long size = newest == null ? 0 : Files.size(newest);
      int kind = random.nextInt(3);
      if (kind == 2 || newest == null || size <= forcedBytes) {
        long number = newest == null ? 1 : number(newest) + 1;
        Files.createFile(directory.resolve(String.format("segment-%012d.log", number)));
        return;
      }
      byte[] bytes = Files.readAllBytes(newest);
      int from = (int) forcedBytes;
      if (kind == 0) { // a torn tail: the unforced bytes cut off somewhere
        int keep = from + random.nextInt(bytes.length - from);
        Files.write(newest, java.util.Arrays.copyOf(bytes, keep));
      } else { // a flipped bit in the unforced tail
        int at = from + random.nextInt(bytes.length - from);
        bytes[at] ^= (byte) (1 << random.nextInt(8));
        Files.write(newest, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path newestSegment() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(p -> p.getFileName().toString().matches(SEGMENT))
          .max(Comparator.comparingLong(DamagedFileLog::number))
          .orElse(null);
    }
  }

  private static long number(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
  }

  /** The directory's files as they were before the damage. */
  private record Snapshot(List<Path> files, List<byte[]> contents) {
    static Snapshot of(Path directory) {
      List<Path> files = new ArrayList<>();
      List<byte[]> contents = new ArrayList<>();
      try (Stream<Path> list = Files.list(directory)) {
        for (Path p : list.filter(f -> f.getFileName().toString().matches(SEGMENT)).toList()) {
          files.add(p);
          contents.add(Files.readAllBytes(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Snapshot(files, contents);
    }

    void restore(Path directory) {
      try (Stream<Path> list = Files.list(directory)) {
        for (Path p : list.filter(f -> f.getFileName().toString().matches(SEGMENT)).toList()) {
          if (!files.contains(p)) {
            Files.delete(p);
          }
        }
        for (int i = 0; i < files.size(); i++) {
          Files.write(files.get(i), contents.get(i));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
