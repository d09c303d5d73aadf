package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.CorruptLogException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The result of scanning one segment's bytes: where its valid frames end, and the chain state an
 * append continues from. Scanning never writes; the caller decides what to do with a torn tail.
 *
 * @param header the segment's header
 * @param end where the valid frames end (a torn or damaged tail starts here, if any)
 * @param nextSequence the sequence number of the next frame
 * @param lastChecksum the checksum the next frame chains from
 */
record SegmentScan(Frames.Header header, int end, int nextSequence, int lastChecksum) {

  /**
   * Scans {@code bytes}, the contents of segment {@code file} numbered {@code number}, handing
   * each valid record to {@code sink} in order.
   *
   * @throws CorruptLogException if the header is unusable or a bad frame is followed by valid ones
   */
  static SegmentScan of(Path file, long number, byte[] bytes, Consumer<LogRecord> sink) {
    Frames.Header header = Frames.header(file, bytes);
    if (header.number() != number) {
      throw new CorruptLogException(
          "transaction log segment " + file + " holds segment " + header.number()
              + " under another name; no file was changed: restore the original file or move this one away",
          0);
    }
    int offset = Frames.SEGMENT_HEADER;
    int sequence = 0;
    int previous = header.checksum();
    while (offset < bytes.length) {
      Frames.Read read = Frames.read(bytes, offset, bytes.length, header.salt());
      if (read == null || read.sequence() != sequence || read.previous() != previous) {
        if (read != null || validFrameFollows(bytes, offset, sequence, header.salt())) {
          throw new CorruptLogException(
              "transaction log segment " + file
                  + " is damaged in the middle: a bad record is followed by valid ones; no file was changed:"
                  + " restore it from a backup",
              offset);
        }
        break; // a torn or damaged tail: nothing valid follows it
      }
      sink.accept(read.record());
      previous = read.checksum();
      sequence++;
      offset = read.next();
    }
    return new SegmentScan(header, offset, sequence, previous);
  }

  /**
   * Whether a frame of this segment with a sequence number at or beyond the bad one's lies after
   * {@code bad}: proof that the bad frame is not a torn tail. Bytes inside the torn frame's own
   * payload cannot pass: a frame image there was either copied from earlier in the segment (lower
   * sequence) or made without this segment's salt.
   */
  private static boolean validFrameFollows(byte[] bytes, int bad, int sequence, long salt) {
    for (int offset = bad + 1; offset + Frames.HEADER <= bytes.length; offset++) {
      Frames.Read read = Frames.read(bytes, offset, bytes.length, salt);
      if (read != null && read.sequence() >= sequence) {
        return true;
      }
    }
    return false;
  }
}
