package dev.settle.core.log;

import dev.settle.core.CorruptLogException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The number of the newest segment the log has made durable, kept in a small file beside the
 * segments. Without it, a deleted or lost newest segment would be indistinguishable from a log
 * that never got further: an older leftover segment, or no segment at all, would open as if it
 * were the whole log and silently lose every record after it.
 *
 * <p>It is written only after the segment it names is durable (renamed and the directory forced),
 * so after any crash the newest segment on disk is at least the one it names; the log refuses to
 * open if it finds less.
 */
final class NewestMarker {
  static final String NAME = "newest-segment";
  private static final String PREFIX = "settle transaction log, newest segment: ";

  private NewestMarker() {}

  /** The segment number the marker names, or empty if there is no marker (a log older than it). */
  static OptionalLong read(Path directory) {
    Path file = directory.resolve(NAME);
    if (!Files.exists(file)) {
      return OptionalLong.empty();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException | RuntimeException e) {
      throw damaged(file, e.toString());
    }
    if (!text.startsWith(PREFIX)) {
      throw damaged(file, "unexpected contents");
    }
    try {
      return OptionalLong.of(Long.parseLong(text.substring(PREFIX.length())));
    } catch (NumberFormatException e) {
      throw damaged(file, "unexpected contents");
    }
  }

  private static CorruptLogException damaged(Path file, String why) {
    return new CorruptLogException(file + " is damaged (" + why + "); no file was changed: if every segment is"
        + " present, delete it and open the log again", -1);
  }

  /** Names {@code number} as the newest durable segment; the caller forces the directory after. */
  static void write(Path directory, long number) throws IOException {
    Path tmp = directory.resolve(NAME + ".tmp");
    try (SegmentFile out = SegmentFile.open(tmp, 0)) {
      out.truncate(0);
      out.write((PREFIX + number + "\n").getBytes(StandardCharsets.US_ASCII));
      out.sync();
    }
    SegmentFile.move(tmp, directory.resolve(NAME));
  }
}
