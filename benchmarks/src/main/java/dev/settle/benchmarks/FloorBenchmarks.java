package dev.settle.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** What the hardware allows: the floors every Settle figure is compared with. */
public class FloorBenchmarks {
  /** Two accounts on two nodes. */
  @State(Scope.Benchmark)
  public static class Maps {
    final Accounts node1 = new Accounts();
    final Accounts node2 = new Accounts();
  }

  /** CPU floor: a transfer without any coordination, two lock-guarded map updates. */
  @Benchmark
  public void twoLockedMapUpdates(Maps maps) {
    maps.node1.add(1, -1);
    maps.node2.add(2, 1);
  }

  /** A file to append to. */
  @State(Scope.Thread)
  public static class File {
    Path dir;
    FileChannel channel;
    final ByteBuffer record = ByteBuffer.allocate(100);

    @Setup(Level.Trial)
    public void open() throws IOException {
      dir = Files.createTempDirectory("settle-floor-");
      channel = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      channel.close();
      Files.deleteIfExists(dir.resolve("raw.log"));
      Files.deleteIfExists(dir);
    }
  }

  /** Durable floor: one ~100-byte append and {@code force(false)} per transaction. */
  @Benchmark
  public void appendAndForce(File file) throws IOException {
    file.record.clear();
    file.channel.write(file.record);
    file.channel.force(false);
  }
}
