package dev.settle.testkit;

import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A planted bug: a file log that frames records by length only and, on open, trusts the newest
 * segment file it finds, even an empty one a crash left behind while starting it; everything in
 * the older segment is then gone.
 */
final class NaiveFileLog implements TransactionLog {
  private final Path file;
  private final FileChannel channel;

  NaiveFileLog(Path directory) {
    try {
      Path newest;
      try (Stream<Path> files = Files.list(directory)) {
        newest = files
            .filter(p -> p.getFileName().toString().matches("segment-\\d{12}\\.log"))
            .max(Comparator.comparing(p -> p.getFileName().toString()))
            .orElse(directory.resolve("segment-000000000001.log"));
      }
      this.file = newest;
      this.channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      channel.position(channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void append(List<LogRecord> records, boolean force) {
    try {
      for (LogRecord record : records) {
        byte[] bytes = LogCodec.encode(record);
        ByteBuffer frame = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
        while (frame.hasRemaining()) {
          channel.write(frame);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void replay(Consumer<LogRecord> sink) {
    try {
      ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
      while (all.remaining() >= 4) {
        int length = all.getInt();
        if (length < 0 || length > all.remaining()) {
          return; // a torn tail
        }
        byte[] bytes = new byte[length];
        all.get(bytes);
        try {
          sink.accept(LogCodec.decode(bytes));
        } catch (RuntimeException unreadable) {
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
