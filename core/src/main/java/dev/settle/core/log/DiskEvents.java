package dev.settle.core.log;

import java.nio.file.Path;

/**
 * What the file log does to the disk, in order: for tests that work out every state a power
 * failure could leave behind (file contents as of their last fsync, directory entries as of the
 * directory's last fsync) and check that the log opens on each and keeps every forced record.
 * A kill -9 test cannot show this: the operating system keeps the unforced writes of a killed
 * process, so a missing fsync passes every process-crash test and loses data only when the power
 * goes. Package-private, off by default ({@link #NONE}); the file log pays one volatile read per
 * write for it.
 */
interface DiskEvents {
  /** Reports nothing. */
  DiskEvents NONE = new DiskEvents() {};

  /** {@code file} was created, empty; its directory entry is not durable yet. */
  default void created(Path file) {}

  /** {@code bytes} were written at {@code offset} of {@code file}, not forced. */
  default void written(Path file, long offset, byte[] bytes) {}

  /** {@code file} was cut or extended to {@code length}, not forced. */
  default void truncated(Path file, long length) {}

  /** {@code file}'s contents and length reached the disk (fsync). */
  default void synced(Path file) {}

  /** {@code from} was renamed to {@code to} atomically; durable once the directory is synced. */
  default void moved(Path from, Path to) {}

  /** {@code file} was deleted; durable once the directory is synced. */
  default void deleted(Path file) {}

  /** Every rename, creation and deletion in {@code directory} so far reached the disk. */
  default void directorySynced(Path directory) {}
}
