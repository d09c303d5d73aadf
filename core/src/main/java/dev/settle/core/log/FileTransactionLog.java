package dev.settle.core.log;

import dev.settle.core.log.spi.TransactionLog;
import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.internal.check.Assert;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable transaction log in a directory of segment files. Each record is framed with its
 * length, sequence number and a CRC32C checksum chained over the one before it and salted per
 * segment ({@link Frames}); forced appends reach the disk before they return (one flush per
 * append, or one per group of concurrent appends, see {@link Durability}).
 *
 * <p>On open, the newest segment is scanned: a torn or damaged tail (a crash in the middle of a
 * write) is cut off and everything before it kept; a bad record followed by valid ones is damage
 * in the middle, refused with its offset and never skipped. Damage to the very last record cannot
 * be told from a torn write, so it is cut off like one. Opening deletes nothing, and an open that
 * fails changes no file. When a segment outgrows its limit, a new one is written with the records
 * of the still unfinished transactions, forced, renamed into place and the directory forced;
 * only then are older segments deleted, so disk use stays bounded and no step deletes data that
 * is not already durable elsewhere. A small marker file names the newest durable segment, so a
 * deleted newest segment is refused rather than taken for the end of the log. An exclusive lock on the directory keeps a second coordinator
 * out. A caller's interrupt never disables the log (see {@link SegmentFile}).
 *
 * <pre>{@code
 * try (FileTransactionLog log = FileTransactionLog.builder(Path.of("/var/lib/app/settle")).open()) {
 *   TccCoordinator coordinator = TccCoordinator.builder().log(log).build();
 * }
 * }</pre>
 *
 * <p><b>Thread safety.</b> Thread-safe: share one instance among every coordinator of the process
 * that uses the directory; appends from many threads share their forces (group commit). Only one
 * process may use a directory at a time: opening takes a file lock and fails while another
 * process holds it.
 */
public final class FileTransactionLog implements TransactionLog {
  private static final Logger LOG = LoggerFactory.getLogger(FileTransactionLog.class);
  private static final SecureRandom SALTS = new SecureRandom();
  /** Segments are read whole into memory; beyond this a roll-over is overdue anyway. */
  static final long MAX_SEGMENT_BYTES = 1L << 30;

  private final Path directory;
  private final Durability durability;
  private final long segmentBytes;
  /** How long a superseded segment is kept for {@link #replayHistory}; zero keeps none. */
  private final Duration historyRetention;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<TransactionId, List<LogRecord>> unfinished = new LinkedHashMap<>();
  @SuppressWarnings("NullAway.Init") // set by open(), which the constructor always runs
  private SegmentFile channel;
  private long segmentNumber;
  private long salt;
  private int nextSequence;
  private int lastChecksum;
  /** Bytes in the current segment. */
  private long position;
  /**
   * Bytes appended since open, across segments. Group commit compares against this, never
   * against {@link #position}, which starts over with every segment.
   */
  private long written;
  /** How much of {@link #written} is known to be on disk. */
  private long forcedUpTo;
  private boolean forcing;
  private long forces;
  private boolean closed;
  /** Why appends are refused after a write could not be undone, or null. */
  private @Nullable String broken;

  private FileTransactionLog(Path directory, Durability durability, long segmentBytes, Duration historyRetention) {
    this.directory = directory;
    this.durability = durability;
    this.segmentBytes = segmentBytes;
    this.historyRetention = historyRetention;
    checkDirectory(directory);
    try {
      this.lockChannel =
          FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new TransactionLogException("cannot create the lock file in " + directory + ": " + e.getMessage(), e);
    }
    FileLock acquired;
    try {
      acquired = lockChannel.tryLock();
    } catch (ClosedByInterruptException e) {
      // The lock channel is the one NIO channel left; an interrupt closes only it, not a log.
      closeQuietly(lockChannel);
      throw new TransactionLogException("opening the transaction log in " + directory + " was interrupted", e);
    } catch (OverlappingFileLockException | IOException e) {
      acquired = null;
    }
    if (acquired == null) {
      closeQuietly(lockChannel);
      throw new TransactionLogException(
          "another coordinator has the transaction log in " + directory + " open; two must never share one", null);
    }
    this.lock = acquired;
    try {
      open();
    } catch (RuntimeException e) {
      release();
      throw e;
    }
  }

  /** A builder for a log in {@code directory}, which must exist and be writable. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  private static void checkDirectory(Path directory) {
    if (!Files.exists(directory)) {
      throw new TransactionLogException("transaction log directory does not exist: " + directory, null);
    }
    if (!Files.isDirectory(directory)) {
      throw new TransactionLogException("transaction log path is not a directory: " + directory, null);
    }
    if (!Files.isWritable(directory)) {
      throw new TransactionLogException("no permission to write the transaction log directory " + directory, null);
    }
  }

  /**
   * Scans the newest segment and cuts off its torn tail. Everything is read and checked before
   * anything is written, and nothing is deleted: a refusal leaves every file as it was.
   */
  private void open() {
    List<Long> numbers = segmentNumbers();
    OptionalLong marked = NewestMarker.read(directory);
    long found = numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
    if (marked.isPresent() && found < marked.getAsLong()) {
      throw new CorruptLogException(
          "the transaction log in " + directory + " has made segment " + segment(marked.getAsLong()).getFileName()
              + " durable, but " + (numbers.isEmpty() ? "no segment is there" : "the newest there is " + segment(found).getFileName())
              + "; no file was changed: restore the missing segment from a backup", -1);
    }
    if (numbers.isEmpty()) {
      try {
        startSegment(1, List.of());
      } catch (IOException e) {
        throw new TransactionLogException("cannot create the transaction log in " + directory + ": " + e.getMessage(), e);
      }
      return;
    }
    long newest = numbers.get(numbers.size() - 1);
    Path file = segment(newest);
    byte[] bytes;
    try {
      bytes = SegmentFile.readAll(file, MAX_SEGMENT_BYTES + 1);
    } catch (IOException e) {
      throw new TransactionLogException(
          "cannot read the transaction log segment " + file + ": " + e.getMessage() + "; no file was changed", e);
    }
    if (bytes.length > MAX_SEGMENT_BYTES) {
      throw new TransactionLogException(
          "transaction log segment " + file + " is larger than " + MAX_SEGMENT_BYTES + " bytes, so it was not written by"
              + " Settle; no file was changed: move it away", null);
    }
    SegmentScan scan = SegmentScan.of(file, newest, bytes, this::index);
    SegmentFile opened;
    try {
      opened = SegmentFile.open(file, scan.end());
    } catch (IOException e) {
      throw new TransactionLogException(
          "cannot open the transaction log segment " + file + " for writing: " + e.getMessage()
              + "; no file was changed: make it writable",
          e);
    }
    try {
      if (scan.end() < bytes.length) {
        opened.truncate(scan.end()); // the torn tail of a write the crash interrupted
        opened.sync();
        LOG.warn("cut off a torn tail of {} bytes at offset {} of {}: the write a crash interrupted",
            bytes.length - scan.end(), scan.end(), file);
      }
    } catch (IOException e) {
      closeQuietly(opened);
      throw new TransactionLogException("cannot cut the torn tail off " + file + ": " + e.getMessage(), e);
    }
    if (marked.isEmpty()) {
      try { // a log written before the marker existed: start keeping it
        NewestMarker.write(directory, newest);
        SegmentFile.syncDirectory(directory);
      } catch (IOException e) {
        closeQuietly(opened);
        throw new TransactionLogException("cannot write " + directory.resolve(NewestMarker.NAME) + ": " + e.getMessage(), e);
      }
    }
    channel = opened;
    segmentNumber = newest;
    salt = scan.header().salt();
    nextSequence = scan.nextSequence();
    lastChecksum = scan.lastChecksum();
    position = scan.end();
  }

  private void index(LogRecord record) {
    if (record instanceof LogRecord.End) {
      unfinished.remove(record.transactionId());
    } else {
      unfinished.computeIfAbsent(record.transactionId(), id -> new ArrayList<>()).add(record);
    }
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    long end;
    synchronized (this) {
      if (closed) {
        throw new TransactionLogException("the transaction log in " + directory + " is closed", null);
      }
      if (broken != null) {
        throw new TransactionLogException(broken, null);
      }
      try {
        if (position >= segmentBytes) {
          compact();
        }
      } catch (IOException e) {
        throw new TransactionLogException(
            "cannot start a new segment of the transaction log in " + directory + ": " + e.getMessage(), e);
      }
      write(records);
      end = written;
      if (!force || durability == Durability.NONE) {
        return;
      }
      if (durability == Durability.FORCE_EACH) {
        forceNow();
        return;
      }
    }
    awaitForced(end);
  }

  /**
   * Writes the records' frames in one call. If that fails part-way, the partial frames are cut
   * off again: left in place they would sit in front of later records and read as damage in the
   * middle of the log. If even that fails, the log refuses further appends.
   */
  private void write(List<LogRecord> records) {
    Frames.Encoded encoded = Frames.frames(salt, nextSequence, lastChecksum, records);
    byte[] frames = encoded.bytes();
    try {
      channel.write(frames);
    } catch (IOException e) {
      try {
        channel.truncate(position);
      } catch (IOException undo) {
        e.addSuppressed(undo);
        broken = "the transaction log in " + directory + " could not undo a failed write (" + e.getMessage()
            + "); close it and open it again";
      }
      throw new TransactionLogException(
          "cannot write the transaction log in " + directory + " (is the disk full?): " + e.getMessage(), e);
    }
    position += frames.length;
    written += frames.length;
    nextSequence = encoded.nextSequence();
    lastChecksum = encoded.lastChecksum();
    records.forEach(this::index);
  }

  /**
   * Group commit: waits until someone has forced past {@code end}, or forces it itself. Waiting
   * ignores interrupts and restores the caller's flag before returning: the wait is bounded by
   * one flush, and giving up early would leave the caller not knowing whether its records
   * (perhaps a decision) are durable, which is worse than finishing the flush.
   */
  private void awaitForced(long end) {
    boolean interrupted = false;
    try {
      while (true) {
        synchronized (this) {
          while (forcedUpTo < end && forcing) {
            try {
              wait();
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (forcedUpTo >= end) {
            return;
          }
          forcing = true; // this thread leads the next flush for everyone written so far
        }
        leadFlush();
        // loop: someone may have appended meanwhile and this flush may not cover us
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One group-commit flush, done outside the monitor so appends can go on meanwhile. */
  private void leadFlush() {
    long target;
    SegmentFile leading;
    synchronized (this) {
      target = written;
      leading = channel;
    }
    IOException failure = null;
    try {
      leading.sync();
    } catch (IOException e) {
      failure = e;
    }
    synchronized (this) {
      forcing = false;
      if (failure == null) {
        forcedUpTo = Math.max(forcedUpTo, target);
        forces++;
      } else if (leading != channel) {
        failure = null; // the segment rolled over and was closed; compaction forced all of it
      }
      notifyAll();
    }
    if (failure != null) {
      throw new TransactionLogException("cannot force the transaction log in " + directory + ": " + failure.getMessage(), failure);
    }
  }

  private void forceNow() {
    try {
      channel.sync();
      forces++;
      forcedUpTo = written;
    } catch (IOException e) {
      throw new TransactionLogException("cannot force the transaction log in " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts a new segment holding the records of every unfinished transaction. The old segment is
   * forced first (it covers every waiting group commit), and it is deleted only once the new one
   * is forced, renamed into place and the rename itself forced: a crash at any point leaves a
   * complete newest segment, and the older one is deleted only once it is redundant.
   */
  private void compact() throws IOException {
    List<LogRecord> carried = new ArrayList<>();
    unfinished.values().forEach(carried::addAll);
    SegmentFile old = channel;
    old.sync();
    startSegment(segmentNumber + 1, carried);
    forcedUpTo = written; // the old segment was forced above and the new one on creation
    closeQuietly(old);
    dropSuperseded();
  }

  /** Writes, forces and renames a new segment into place, then makes it the current one. */
  private void startSegment(long number, List<LogRecord> carried) throws IOException {
    Path tmp = directory.resolve("segment-" + number + ".tmp");
    long newSalt = SALTS.nextLong();
    byte[] header = Frames.segmentHeader(number, newSalt);
    Frames.Encoded frames = Frames.frames(newSalt, 0, Frames.headerChecksum(header), carried);
    long size;
    try (SegmentFile out = SegmentFile.open(tmp, 0)) {
      out.truncate(0); // a leftover of a compaction that crashed
      out.write(header);
      out.write(frames.bytes());
      out.sync();
      size = out.size();
    }
    Path target = segment(number);
    SegmentFile.move(tmp, target);
    SegmentFile.syncDirectory(directory);
    NewestMarker.write(directory, number); // only now: the segment it names is durable
    SegmentFile.syncDirectory(directory);
    channel = SegmentFile.open(target, size);
    segmentNumber = number;
    salt = newSalt;
    nextSequence = frames.nextSequence();
    lastChecksum = frames.lastChecksum();
    position = size;
  }

  /**
   * Deletes segments older than the current one, unless the history retention still keeps them
   * (a segment stops being written when it is superseded, so its modification time says how long
   * ago that was), and leftovers of crashed compactions. Called only once the current segment is
   * durable; a failure here costs disk space, never data.
   */
  private void dropSuperseded() {
    Instant keepAfter = Instant.now().minus(historyRetention);
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        boolean older = olderSegment(name) >= 0;
        boolean kept =
            older
                && !historyRetention.isZero()
                && Files.getLastModifiedTime(file).toInstant().isAfter(keepAfter);
        if ((older && !kept) || name.matches("segment-\\d+\\.tmp")) {
          SegmentFile.deleteIfExists(file);
        }
      }
      SegmentFile.syncDirectory(directory);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not delete superseded segments in {}: {}", directory, e.toString());
    }
  }

  /** The number of {@code name} if it is a segment older than the current one, else -1. */
  private long olderSegment(String name) {
    if (!name.matches("segment-\\d{12}\\.log")) {
      return -1;
    }
    long number = Long.parseLong(name.substring(8, 20));
    return number < segmentNumber ? number : -1;
  }

  /**
   * The records of the superseded segments the history retention keeps, oldest first, then those
   * of the current segment. Which segments to read, and where the current one ends, are taken at
   * one moment, so a compaction meanwhile cannot hide a segment between the two (the superseded
   * one is kept on disk by the same retention, so it is still read). History is read on a
   * best-effort basis: a kept segment that is damaged, cut short or gone is skipped with a WARN, and
   * the rest is still told.
   */
  @Override
  public void replayHistory(Consumer<LogRecord> sink) {
    List<Long> kept = new ArrayList<>();
    long current;
    long end;
    synchronized (this) {
      current = segmentNumber;
      end = position;
      try (Stream<Path> files = Files.list(directory)) {
        for (Path file : files.toList()) {
          long number = olderSegment(file.getFileName().toString());
          if (number >= 0) {
            kept.add(number);
          }
        }
      } catch (IOException e) {
        throw new TransactionLogException("cannot list the transaction log in " + directory + ": " + e.getMessage(), e);
      }
    }
    kept.sort(null);
    for (long number : kept) {
      readKept(number, sink);
    }
    Path file = segment(current);
    byte[] bytes;
    try {
      bytes = SegmentFile.readAll(file, end);
    } catch (IOException e) {
      // Compacted and deleted meanwhile (no retention keeps it): what is unfinished is carried.
      replay(sink);
      return;
    }
    List<LogRecord> records = new ArrayList<>();
    SegmentScan.of(file, current, bytes, records::add);
    records.forEach(sink);
  }

  /** Hands {@code sink} a kept segment's records, or skips it with a WARN if it cannot be read whole. */
  private void readKept(long number, Consumer<LogRecord> sink) {
    Path file = segment(number);
    List<LogRecord> records = new ArrayList<>();
    try {
      byte[] bytes = SegmentFile.readAll(file, Files.size(file));
      SegmentScan scan = SegmentScan.of(file, number, bytes, records::add);
      if (scan.end() != bytes.length) {
        // Kept segments were forced whole before a newer one replaced them: a short one is damage.
        LOG.warn(
            "history segment {} ends in {} unreadable bytes; explaining from the {} records before them",
            file, bytes.length - scan.end(), records.size());
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return; // its retention ran out meanwhile
    } catch (IOException | CorruptLogException e) {
      LOG.warn("history segment {} cannot be read, so it is skipped: {}", file, e.getMessage());
      return;
    }
    records.forEach(sink);
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    // Read without holding the monitor, so appends go on; a roll-over meanwhile deletes the file
    // read, so read again from the new one (it carries every unfinished transaction).
    for (int attempt = 1; ; attempt++) {
      Path file;
      long number;
      long end;
      synchronized (this) {
        number = segmentNumber;
        file = segment(number);
        end = position;
      }
      try {
        byte[] bytes = SegmentFile.readAll(file, end);
        List<LogRecord> records = new ArrayList<>();
        SegmentScan.of(file, number, bytes, records::add);
        records.forEach(sink);
        return;
      } catch (IOException e) {
        boolean rolledOver;
        synchronized (this) {
          rolledOver = segmentNumber != number;
        }
        if (!rolledOver || attempt == 10) {
          throw new TransactionLogException("cannot read the transaction log " + file + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** Flushes done so far (group commit shares them among appends). */
  public synchronized long forces() {
    return forces;
  }

  /** Bytes used on disk by the current segment. */
  public synchronized long sizeOnDisk() {
    return position;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (durability != Durability.NONE && broken == null) {
        channel.sync();
      }
    } catch (IOException e) {
      throw new TransactionLogException("cannot force the transaction log in " + directory + " on close: " + e.getMessage(), e);
    } finally {
      closeQuietly(channel);
      release();
    }
  }

  private void release() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel close below releases it anyway
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(@Nullable Closeable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException ignored) {
      // nothing more to do
    }
  }

  private Path segment(long number) {
    return directory.resolve(String.format("segment-%012d.log", number));
  }

  private List<Long> segmentNumbers() {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("segment-\\d{12}\\.log"))
          .map(n -> Long.parseLong(n.substring(8, 20)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new TransactionLogException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Builds a {@link FileTransactionLog}. */
  public static final class Builder {
    private final Path directory;
    private Durability durability = Durability.GROUP_COMMIT;
    private long segmentBytes = 64L * 1024 * 1024;
    private Duration historyRetention = Duration.ZERO;

    private Builder(Path directory) {
      this.directory = Assert.notNull(directory, "directory");
    }

    /** When appends reach the disk (default: group commit). */
    public Builder durability(Durability durability) {
      this.durability = Assert.notNull(durability, "durability");
      return this;
    }

    /**
     * Keeps superseded segments this long after a compaction replaced them, so that ended
     * transactions can still be explained ({@link #replayHistory}, {@link Explain}, the CLI's
     * {@code explain}); they are deleted at the first compaction after that. Default zero: a
     * compaction deletes them at once. The disk then holds about this long's worth of appends.
     */
    public Builder historyRetention(Duration retention) {
      Assert.notNull(retention, "retention");
      Assert.isTrue(!retention.isNegative(), "historyRetention must not be negative, was " + retention);
      this.historyRetention = retention;
      return this;
    }

    /** Roll over (and compact) once a segment reaches this size (default 64 MiB). */
    public Builder segmentBytes(long segmentBytes) {
      Assert.isTrue(segmentBytes >= 1024 && segmentBytes <= MAX_SEGMENT_BYTES / 2,
          "segmentBytes must be between 1024 and " + MAX_SEGMENT_BYTES / 2 + ", was " + segmentBytes);
      this.segmentBytes = segmentBytes;
      return this;
    }

    /**
     * Opens the log, recovering its newest segment: a torn tail is cut off (logged at WARN);
     * anything else wrong is refused, in a one-line message naming the file, and no file changed.
     *
     * @throws TransactionLogException if the directory is missing or not writable, a segment
     *     cannot be read or written, or another coordinator holds the log
     * @throws CorruptLogException if a record in the middle of the log is damaged, the newest
     *     segment is empty, foreign, misnamed, of an unknown format version or missing
     */
    public FileTransactionLog open() {
      return new FileTransactionLog(directory, durability, segmentBytes, historyRetention);
    }
  }
}
