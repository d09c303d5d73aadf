package dev.settle.testkit;

import dev.settle.core.TransactionLogException;
import dev.settle.core.log.Durability;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A file log in a temporary directory (a real {@link FileTransactionLog} unless another opener is
 * given; another log must name its files as that one does, {@code segment-<12 digits>.log}) whose
 * process can die and whose files can be damaged before the restart, as a crash leaves them. The
 * crash interrupts an append: the damage is either a torn tail (that append's records written,
 * then cut off somewhere inside them), a flipped bit inside them, or an empty newer segment (a
 * crash while starting one). The log runs without flushing ({@link Durability#NONE}): a process
 * crash keeps what earlier appends wrote.
 *
 * <p>After each restart the reopened log must hold every record of every append that returned,
 * in order, followed by at most an intact prefix of the interrupted append; or it may refuse to
 * open with a {@link TransactionLogException}, and then, as an operator would, the harness puts
 * the files back as they were before the interrupted append and opens again.
 */
final class DamagedFileLog implements TransactionLog {
  private static final String SEGMENT = "segment-\\d{12}\\.log";

  private final Path directory;
  private final Random random;
  private final double damageRate;
  private final Function<Path, TransactionLog> opener;
  private TransactionLog log;
  private final List<LogRecord> appended = new ArrayList<>();
  private long damages;
  private long refusedOpens;

  DamagedFileLog(Random random, double damageRate, Function<Path, TransactionLog> opener) {
    this.random = random;
    this.damageRate = damageRate;
    this.opener = opener;
    try {
      this.directory = temporaryDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.log = open();
  }

  @Override
  public synchronized void append(List<LogRecord> records, boolean force) {
    log.append(records, force);
    appended.addAll(records);
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    current().replay(sink);
  }

  private synchronized TransactionLog current() {
    return log;
  }

  @Override
  public synchronized void close() {
    log.close();
  }

  /**
   * The process died during the append of {@code interrupted} (empty if it died elsewhere): close
   * the files, maybe damage them, open again and check what survived.
   */
  synchronized void crashAndReopen(List<LogRecord> interrupted) {
    Snapshot before = null;
    int kind = -1;
    if (damageRate > 0 && random.nextDouble() < damageRate) {
      before = Snapshot.of(directory);
      kind = interrupted.isEmpty() ? 2 : random.nextInt(3);
      damages++;
    }
    long start = newestSize();
    List<LogRecord> written = List.of();
    if (kind == 0 || kind == 1) {
      log.append(interrupted, false); // the interrupted append got this far: its bytes are there
      written = interrupted;
    }
    long end = newestSize();
    try {
      log.close();
    } catch (TransactionLogException alreadyBroken) {
      // a dying process closes nothing cleanly
    }
    if (kind >= 0) {
      damage(kind, start, end);
    }
    try {
      log = open();
    } catch (TransactionLogException refused) {
      if (before == null) {
        throw refused;
      }
      refusedOpens++;
      before.restore(directory);
      written = List.of();
      log = open();
    }
    List<LogRecord> kept = new ArrayList<>();
    log.replay(kept::add);
    check(kept, written, before != null);
    appended.clear();
    appended.addAll(kept);
  }

  /** Every acknowledged record kept, in order, then at most an intact prefix of {@code written}. */
  private void check(List<LogRecord> kept, List<LogRecord> written, boolean damaged) {
    int at = 0;
    while (at < Math.min(kept.size(), appended.size()) && kept.get(at).equals(appended.get(at))) {
      at++;
    }
    boolean ok = at == appended.size();
    List<LogRecord> extra = ok ? kept.subList(at, kept.size()) : List.of();
    ok &= extra.size() <= written.size() && extra.equals(written.subList(0, extra.size()));
    if (!ok) {
      throw new AssertionError(
          "durability: after a crash" + (damaged ? " and damage to the log" : "") + " the reopened log"
              + " holds " + kept.size() + " records; of the " + appended.size() + " acknowledged ones it"
              + " kept the first " + at + (at < appended.size() ? ", then lost or changed " + appended.get(at) : "")
              + (written.isEmpty() ? "" : "; the interrupted append had " + written.size() + " records"));
    }
  }

  /**
   * A fresh directory, in memory where the system offers it ({@code /dev/shm}): a simulated crash
   * needs no real disk, and the log's flushes then cost nothing. {@code -Dsettle.sim.dir=...}
   * chooses another parent.
   */
  private static Path temporaryDirectory() throws IOException {
    String chosen = System.getProperty("settle.sim.dir");
    Path memory = Path.of("/dev/shm");
    if (chosen != null) {
      return Files.createTempDirectory(Path.of(chosen), "settle-sim-log");
    }
    if (Files.isDirectory(memory) && Files.isWritable(memory)) {
      return Files.createTempDirectory(memory, "settle-sim-log");
    }
    return Files.createTempDirectory("settle-sim-log");
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

  private TransactionLog open() {
    return opener.apply(directory);
  }

  /** The default opener: the real file log, without flushing (a process crash loses nothing written). */
  static TransactionLog openFileLog(Path directory) {
    return FileTransactionLog.builder(directory).durability(Durability.NONE).open();
  }

  private long newestSize() {
    try {
      Path newest = newestSegment();
      return newest == null ? 0 : Files.size(newest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Damage of kind 0 (torn), 1 (flipped bit) in bytes [start, end) of the newest segment, or 2. */
  private void damage(int kind, long start, long end) {
    try {
      Path newest = newestSegment();
      if (kind == 2 || newest == null || end <= start) {
        long number = newest == null ? 1 : number(newest) + 1;
        Files.createFile(directory.resolve(String.format("segment-%012d.log", number)));
        return;
      }
      byte[] bytes = Files.readAllBytes(newest);
      int from = (int) start;
      int span = (int) (end - start);
      if (kind == 0) { // torn: the interrupted append's bytes cut off somewhere inside them
        Files.write(newest, Arrays.copyOf(bytes, from + random.nextInt(span)));
      } else { // a flipped bit among them
        int at = from + random.nextInt(span);
        bytes[at] ^= (byte) (1 << random.nextInt(8));
        Files.write(newest, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private @Nullable Path newestSegment() throws IOException {
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
