package dev.settle.core.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records what the file log does to one directory, and builds, for any point in that history,
 * the directories a power failure at that point may leave: each file with the contents of its
 * last fsync (writes not forced are all lost, the worst case for contents), and the directory
 * entries of the directory's last fsync plus any subset of the creations, renames and deletions
 * made since (POSIX promises neither that they persist nor in which order).
 *
 * <p>The test adds its own marks to the same history (an append about to start, one returned), so
 * that each crash point knows which appends had returned and which were under way.
 */
final class PowerLossDisk implements DiskEvents {
  /** One step of the history: a disk operation or a mark of the test's. */
  sealed interface Step permits Created, Written, Truncated, Synced, Moved, Deleted, DirectorySynced, Mark {}

  record Created(Path file) implements Step {}

  record Written(Path file, long offset, byte[] bytes) implements Step {}

  record Truncated(Path file, long length) implements Step {}

  record Synced(Path file) implements Step {}

  record Moved(Path from, Path to) implements Step {}

  record Deleted(Path file) implements Step {}

  record DirectorySynced(Path directory) implements Step {}

  /** A mark of the test's: {@code what} happened to append number {@code append}. */
  record Mark(String what, int append) implements Step {}

  private final Path directory;
  private final List<Step> steps = new ArrayList<>();

  /** Watches {@code directory}, which must be empty: every file in it is made while watched. */
  PowerLossDisk(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  /** Starts watching the file log's disk operations; {@link #close} stops. */
  PowerLossDisk start() {
    SegmentFile.events = this;
    return this;
  }

  void close() {
    SegmentFile.events = DiskEvents.NONE;
  }

  synchronized void mark(String what, int append) {
    steps.add(new Mark(what, append));
  }

  synchronized List<Step> steps() {
    return List.copyOf(steps);
  }

  @Override
  public void created(Path file) {
    add(file, new Created(name(file)));
  }

  @Override
  public void written(Path file, long offset, byte[] bytes) {
    add(file, new Written(name(file), offset, bytes.clone()));
  }

  @Override
  public void truncated(Path file, long length) {
    add(file, new Truncated(name(file), length));
  }

  @Override
  public void synced(Path file) {
    add(file, new Synced(name(file)));
  }

  @Override
  public void moved(Path from, Path to) {
    add(from, new Moved(name(from), name(to)));
  }

  @Override
  public void deleted(Path file) {
    add(file, new Deleted(name(file)));
  }

  @Override
  public void directorySynced(Path dir) {
    if (dir.toAbsolutePath().normalize().equals(directory)) {
      add(null, new DirectorySynced(dir.getFileName()));
    }
  }

  private synchronized void add(Path file, Step step) {
    if (file == null || file.toAbsolutePath().normalize().getParent().equals(directory)) {
      steps.add(step);
    }
  }

  private static Path name(Path file) {
    return file.getFileName();
  }

  /**
   * How many directory operations (creations, renames, deletions) after the first {@code count}
   * steps are not yet made durable by a directory fsync: a power failure may keep any subset of
   * them, so {@link #crashImage} takes a subset as a bit mask over them.
   */
  static int pendingDirectoryOperations(List<Step> steps, int count) {
    int pending = 0;
    for (Step step : steps.subList(0, count)) {
      if (step instanceof DirectorySynced) {
        pending = 0;
      } else if (step instanceof Created || step instanceof Moved || step instanceof Deleted) {
        pending++;
      }
    }
    return pending;
  }

  /**
   * Writes into {@code target} (an empty directory) what a power failure after the first {@code
   * count} steps leaves when, of the directory operations not yet forced, exactly those whose bit
   * is set in {@code kept} reached the disk (in their order; POSIX promises no order without a
   * directory fsync): every file with the contents of its last fsync.
   */
  static void crashImage(List<Step> steps, int count, int kept, Path target) throws IOException {
    Map<Path, Inode> live = new HashMap<>();
    Map<Path, Inode> durable = new HashMap<>();
    List<Consumer<Map<Path, Inode>>> pending = new ArrayList<>();
    for (Step step : steps.subList(0, count)) {
      if (step instanceof Created c) {
        Inode inode = new Inode();
        live.put(c.file(), inode);
        pending.add(entries -> entries.put(c.file(), inode));
      } else if (step instanceof Written w) {
        live.get(w.file()).write(w.offset(), w.bytes());
      } else if (step instanceof Truncated t) {
        live.get(t.file()).truncate(t.length());
      } else if (step instanceof Synced s) {
        live.get(s.file()).sync();
      } else if (step instanceof Moved m) {
        Inode inode = live.remove(m.from());
        live.put(m.to(), inode);
        pending.add(entries -> {
          if (entries.remove(m.from()) != null) {
            entries.put(m.to(), inode);
          }
        });
      } else if (step instanceof Deleted d) {
        live.remove(d.file());
        pending.add(entries -> entries.remove(d.file()));
      } else if (step instanceof DirectorySynced) {
        durable.clear();
        durable.putAll(live);
        pending.clear();
      }
    }
    for (int i = 0; i < pending.size(); i++) {
      if ((kept & (1 << i)) != 0) {
        pending.get(i).accept(durable);
      }
    }
    for (Map.Entry<Path, Inode> file : durable.entrySet()) {
      Files.write(target.resolve(file.getKey()), file.getValue().forced);
    }
  }

  /** A file's bytes now, and as of its last fsync. */
  private static final class Inode {
    private byte[] bytes = new byte[0];
    private byte[] forced = new byte[0];

    void write(long offset, byte[] data) {
      int end = (int) offset + data.length;
      if (end > bytes.length) {
        bytes = Arrays.copyOf(bytes, end);
      }
      System.arraycopy(data, 0, bytes, (int) offset, data.length);
    }

    void truncate(long length) {
      bytes = Arrays.copyOf(bytes, (int) length);
    }

    void sync() {
      forced = bytes.clone();
    }
  }
}
