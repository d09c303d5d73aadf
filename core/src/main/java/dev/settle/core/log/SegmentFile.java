package dev.settle.core.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One segment file, read and written with {@code java.io.RandomAccessFile} rather than NIO.
 *
 * <p>Why not {@code FileChannel}: it is an {@code InterruptibleChannel}. When the thread using it
 * is interrupted, or merely has its interrupt flag set, the JDK closes the channel for every
 * thread ({@code ClosedByInterruptException}), so one caller's interrupt disabled the log for the
 * whole process (issue 13, defect 7). Clearing the flag around each call and restoring it after
 * cannot close that hole: an interrupt that arrives during the write still closes the channel. A
 * dedicated writer thread would, but it adds a hand-off to every append and a thread to manage.
 * {@code RandomAccessFile}'s reads, writes, {@code setLength} and {@code FileDescriptor.sync()}
 * (fsync) are not interruptible at all: an interrupted caller's write completes, the caller keeps
 * its flag, and it sees the interrupt at its next blocking call.
 */
final class SegmentFile implements Closeable {
  /** Where disk operations are reported; see {@link DiskEvents}. Tests only. */
  static volatile DiskEvents events = DiskEvents.NONE;

  private final Path path;
  private final RandomAccessFile file;

  private SegmentFile(Path path, RandomAccessFile file) {
    this.path = path;
    this.file = file;
  }

  /** Opens an existing or new file for reading and writing, positioned at {@code position}. */
  static SegmentFile open(Path path, long position) throws IOException {
    DiskEvents observer = events;
    boolean created = observer != DiskEvents.NONE && !Files.exists(path);
    RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
    if (created) {
      observer.created(path);
    }
    try {
      file.seek(position);
    } catch (IOException e) {
      file.close();
      throw e;
    }
    return new SegmentFile(path, file);
  }

  /** Reads a whole file without an interruptible channel (see the class comment). */
  static byte[] readAll(Path path, long limit) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(path.toFile(), "r")) {
      long length = Math.min(in.length(), limit);
      if (length > Integer.MAX_VALUE - 8) {
        throw new IOException("segment " + path + " is too large to read (" + length + " bytes)");
      }
      byte[] bytes = new byte[(int) length];
      in.readFully(bytes);
      return bytes;
    }
  }

  /**
   * Makes renames and deletions in {@code directory} durable. A directory can only be synced
   * through a channel, which a caller's interrupt would close mid-sync, and retrying under a
   * stream of interrupts might never finish. So the sync runs on a short-lived thread of its own
   * that nobody else can interrupt, and the caller waits for it ignoring interrupts (one sync, at
   * a roll-over) and gets its flag back afterwards.
   */
  static void syncDirectory(Path directory) throws IOException {
    IOException[] failure = new IOException[1];
    Thread syncer = new Thread(() -> {
      try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
        dir.force(true);
        events.directorySynced(directory);
      } catch (IOException e) {
        failure[0] = e;
      }
    }, "settle-directory-sync");
    syncer.setDaemon(true);
    syncer.start();
    boolean interrupted = false;
    while (true) {
      try {
        syncer.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  Path path() {
    return path;
  }

  void write(byte[] bytes) throws IOException {
    DiskEvents observer = events;
    long offset = observer == DiskEvents.NONE ? -1 : file.getFilePointer();
    file.write(bytes);
    if (offset >= 0) {
      observer.written(path, offset, bytes);
    }
  }

  /** fsync: the data and the file's length reach the disk. */
  void sync() throws IOException {
    file.getFD().sync();
    events.synced(path);
  }

  void truncate(long length) throws IOException {
    file.setLength(length);
    file.seek(length);
    events.truncated(path, length);
  }

  /** Renames {@code from} to {@code to} atomically (durable once the directory is synced). */
  static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    events.moved(from, to);
  }

  /** Deletes {@code file} if it is there (durable once the directory is synced). */
  static void deleteIfExists(Path file) throws IOException {
    if (Files.deleteIfExists(file)) {
      events.deleted(file);
    }
  }

  long size() throws IOException {
    return file.length();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
