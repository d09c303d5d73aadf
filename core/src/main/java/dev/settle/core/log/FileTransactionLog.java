package dev.settle.core.log;

import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.internal.Assert;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A durable transaction log in a directory of segment files. Each record is framed with its
 * length, type and a CRC32C checksum; forced appends reach the disk before they return (one flush
 * per append, or one per group of concurrent appends, see {@link Durability}).
 *
 * <p>On open, the newest segment is scanned: a torn or corrupt tail (a crash in the middle of a
 * write) is cut off and everything before it kept; a bad record followed by good ones is
 * corruption in the middle, reported with its offset and never skipped. When a segment outgrows
 * its limit, a new one is started with the records of the still unfinished transactions and the
 * old one deleted, so disk use stays bounded however long the log runs. An exclusive lock on the
 * directory keeps a second coordinator out.
 *
 * <pre>{@code
 * try (FileTransactionLog log = FileTransactionLog.builder(Path.of("/var/lib/app/settle")).open()) {
 *   TccCoordinator coordinator = TccCoordinator.builder().log(log).build();
 * }
 * }</pre>
 */
public final class FileTransactionLog implements TransactionLog {
  private final Path directory;
  private final Durability durability;
  private final long segmentBytes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<TransactionId, List<LogRecord>> unfinished = new LinkedHashMap<>();
  @SuppressWarnings("NullAway.Init") // set by recover(), which the constructor always runs
  private SegmentFile channel;
  private long segmentNumber;
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

  private FileTransactionLog(Path directory, Durability durability, long segmentBytes) {
    this.directory = directory;
    this.durability = durability;
    this.segmentBytes = segmentBytes;
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
      recover();
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

  /** Finds the newest segment, drops older ones it supersedes, and scans it. */
  private void recover() {
    List<Long> numbers = segmentNumbers();
    try {
      for (Path tmp : tmpFiles()) {
        Files.deleteIfExists(tmp); // a compaction that crashed before it was complete
      }
      if (numbers.isEmpty()) {
        segmentNumber = 0;
        startSegment(1, List.of());
        return;
      }
      long newest = numbers.get(numbers.size() - 1);
      for (long older : numbers.subList(0, numbers.size() - 1)) {
        Files.deleteIfExists(segment(older)); // every segment carries all it needs from older ones
      }
      segmentNumber = newest;
      Path file = segment(newest);
      byte[] bytes = SegmentFile.readAll(file, Long.MAX_VALUE);
      int end = scan(file, bytes, record -> index(record));
      channel = SegmentFile.open(file, end);
      if (end < bytes.length) {
        channel.truncate(end); // the torn tail of a write the crash interrupted
        channel.sync();
      }
      position = end;
    } catch (IOException e) {
      throw new TransactionLogException("cannot open the transaction log in " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Scans a segment's frames; returns where the valid records end. */
  private static int scan(Path file, byte[] bytes, Consumer<LogRecord> sink) {
    if (bytes.length < Frames.SEGMENT_HEADER) {
      return fail(file, "segment header is missing", 0);
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 0, Frames.SEGMENT_HEADER);
    if (header.getInt() != Frames.SEGMENT_MAGIC || header.getInt() != Frames.SEGMENT_VERSION) {
      return fail(file, "not a Settle log segment (bad magic or version)", 0);
    }
    int offset = Frames.SEGMENT_HEADER;
    while (offset < bytes.length) {
      Frames.Read read = Frames.read(bytes, offset, bytes.length);
      if (read == null) {
        if (anyValidFrameAfter(bytes, offset)) {
          return fail(file, "corrupt record in the middle of the log; later records follow it", offset);
        }
        return offset; // a torn or corrupt tail: nothing valid follows
      }
      sink.accept(read.record());
      offset = read.next();
    }
    return offset;
  }

  private static boolean anyValidFrameAfter(byte[] bytes, int bad) {
    for (int offset = bad + 1; offset + Frames.HEADER <= bytes.length; offset++) {
      if (Frames.read(bytes, offset, bytes.length) != null) {
        return true;
      }
    }
    return false;
  }

  private static int fail(Path file, String why, long offset) {
    throw new CorruptLogException(file + ": " + why, offset);
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
      try {
        if (position >= segmentBytes) {
          compact();
        }
        for (LogRecord record : records) {
          byte[] frame = Frames.frame(record).array();
          channel.write(frame);
          position += frame.length;
          written += frame.length;
          index(record);
        }
      } catch (IOException e) {
        throw new TransactionLogException(
            "cannot write the transaction log in " + directory + " (is the disk full?): " + e.getMessage(), e);
      }
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
   * Starts a new segment holding the records of every unfinished transaction, makes it durable,
   * and only then deletes the old one: a crash at any point leaves one complete newest segment.
   */
  private void compact() throws IOException {
    List<LogRecord> carried = new ArrayList<>();
    unfinished.values().forEach(carried::addAll);
    long previous = segmentNumber;
    SegmentFile old = channel;
    old.sync();
    startSegment(previous + 1, carried);
    old.close();
    Files.deleteIfExists(segment(previous));
    forcedUpTo = written; // the old segment was forced above and the new one on creation
  }

  private void startSegment(long number, List<LogRecord> carried) throws IOException {
    Path tmp = directory.resolve("segment-" + number + ".tmp");
    try (SegmentFile out = SegmentFile.open(tmp, 0)) {
      out.truncate(0);
      ByteBuffer header = ByteBuffer.allocate(Frames.SEGMENT_HEADER);
      header.putInt(Frames.SEGMENT_MAGIC).putInt(Frames.SEGMENT_VERSION);
      out.write(header.array());
      for (LogRecord record : carried) {
        out.write(Frames.frame(record).array());
      }
      out.sync();
    }
    Path target = segment(number);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    segmentNumber = number;
    channel = SegmentFile.open(target, Files.size(target));
    position = channel.size();
  }

  @Override
  public void replay(Consumer<LogRecord> sink) {
    Path file;
    long end;
    synchronized (this) {
      file = segment(segmentNumber);
      end = position;
    }
    try {
      scan(file, SegmentFile.readAll(file, end), sink);
    } catch (IOException e) {
      throw new TransactionLogException("cannot read the transaction log " + file + ": " + e.getMessage(), e);
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
      if (durability != Durability.NONE) {
        channel.sync();
      }
      channel.close();
    } catch (IOException e) {
      throw new TransactionLogException("cannot close the transaction log in " + directory + ": " + e.getMessage(), e);
    } finally {
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

  private static void closeQuietly(@Nullable FileChannel c) {
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

  private List<Path> tmpFiles() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  /** Builds a {@link FileTransactionLog}. */
  public static final class Builder {
    private final Path directory;
    private Durability durability = Durability.GROUP_COMMIT;
    private long segmentBytes = 64L * 1024 * 1024;

    private Builder(Path directory) {
      this.directory = Assert.notNull(directory, "directory");
    }

    /** When appends reach the disk (default: group commit). */
    public Builder durability(Durability durability) {
      this.durability = Assert.notNull(durability, "durability");
      return this;
    }

    /** Roll over (and compact) once a segment reaches this size (default 64 MiB). */
    public Builder segmentBytes(long segmentBytes) {
      Assert.isTrue(segmentBytes >= 1024, "segmentBytes must be at least 1024, was " + segmentBytes);
      this.segmentBytes = segmentBytes;
      return this;
    }

    /**
     * Opens the log, recovering its newest segment.
     *
     * @throws TransactionLogException if the directory is missing or not writable, or another
     *     coordinator holds it
     * @throws CorruptLogException if a record in the middle of the log is corrupt
     */
    public FileTransactionLog open() {
      return new FileTransactionLog(directory, durability, segmentBytes);
    }
  }
}
