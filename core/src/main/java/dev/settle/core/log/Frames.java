package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.CorruptLogException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk format of a segment (version 2), big-endian.
 *
 * <p>Segment header, 28 bytes: magic "STLG" (4), format version (4), segment number (8), salt
 * (8, random per segment), CRC32C of the 24 bytes before it (4).
 *
 * <p>Then frames, each: body length (4), sequence number in the segment from 0 (4), checksum of
 * the previous frame, or of the header for the first (4), then its own checksum (4): CRC32C of
 * salt, sequence, previous checksum, length and body. The body is one {@link LogCodec} record.
 *
 * <p>Why salt, sequence and chain: after a bad frame the reader must tell a torn tail (nothing
 * valid follows; cut it off) from damage in the middle (valid records follow; refuse). Version 1
 * took any checksum-valid bytes after a bad frame as a later record, so a torn record whose
 * payload happened to contain frame-like bytes made a crashed log refuse to open. Now a frame only
 * counts if its checksum covers this segment's random salt and a sequence number at or beyond the
 * bad frame's: bytes from another segment, or a copy of an earlier frame inside a payload, never
 * pass. The chained previous checksum, checked on the normal forward scan, catches a frame that is
 * valid on its own but does not follow the one before it.
 */
final class Frames {
  static final int SEGMENT_MAGIC = 0x53544C47; // "STLG"
  static final int VERSION = 2;
  static final int SEGMENT_HEADER = 28;
  static final int HEADER = 16;
  /** No single record is larger; a longer length field is corruption, not a record. */
  static final int MAX_BODY = 16 * 1024 * 1024;

  private Frames() {}

  /** A validated segment header. */
  record Header(long number, long salt, int checksum) {}

  /** A frame that is valid on its own; the scan checks that it follows the one before. */
  record Read(LogRecord record, int sequence, int previous, int checksum, int next) {}

  static byte[] segmentHeader(long number, long salt) {
    ByteBuffer out = ByteBuffer.allocate(SEGMENT_HEADER);
    out.putInt(SEGMENT_MAGIC).putInt(VERSION).putLong(number).putLong(salt);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, SEGMENT_HEADER - 4);
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /**
   * Checks a segment's header.
   *
   * @throws CorruptLogException with a one-line reason if it is missing, foreign, of an unknown
   *     version or damaged
   */
  static Header header(Path file, byte[] bytes) {
    if (bytes.length == 0) {
      throw refusal(file, "is empty, so it was never written by Settle (which only renames complete, forced segments into place)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < 8 || in.getInt() != SEGMENT_MAGIC) {
      throw refusal(file, "is not a Settle log segment (bad magic)");
    }
    int version = in.getInt();
    if (version != VERSION) {
      throw refusal(
          file,
          "has format version " + version + ", but this Settle reads only version " + VERSION
              + (version < VERSION
                  ? "; finish its transactions with the Settle release that wrote it"
                  : "; open it with the newer Settle release that wrote it"));
    }
    if (bytes.length < SEGMENT_HEADER) {
      throw refusal(file, "has a truncated header (" + bytes.length + " bytes)");
    }
    long number = in.getLong();
    long salt = in.getLong();
    int stored = in.getInt();
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, SEGMENT_HEADER - 4);
    if ((int) crc.getValue() != stored) {
      throw refusal(file, "has a damaged header (checksum mismatch)");
    }
    return new Header(number, salt, stored);
  }

  private static CorruptLogException refusal(Path file, String why) {
    return new CorruptLogException("transaction log segment " + file + " " + why
        + "; no file was changed: restore it from a backup or move it away", 0);
  }

  /** One frame's bytes; its checksum is {@link #checksum(byte[], int)} at offset 0. */
  static byte[] frame(long salt, int sequence, int previous, byte[] body) {
    ByteBuffer out = ByteBuffer.allocate(HEADER + body.length);
    out.putInt(body.length).putInt(sequence).putInt(previous);
    out.putInt(crc(salt, sequence, previous, body.length, body, 0));
    out.put(body);
    return out.array();
  }

  /**
   * Frames {@code records} in order, continuing a chain.
   *
   * @param bytes the frames
   * @param nextSequence the sequence number of the frame after them
   * @param lastChecksum the checksum the frame after them chains from
   */
  record Encoded(byte[] bytes, int nextSequence, int lastChecksum) {}

  static Encoded frames(long salt, int sequence, int previous, List<LogRecord> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (LogRecord record : records) {
      byte[] frame = frame(salt, sequence++, previous, LogCodec.encode(record));
      previous = checksum(frame, 0);
      out.writeBytes(frame);
    }
    return new Encoded(out.toByteArray(), sequence, previous);
  }

  /** The checksum a segment's first frame chains from: the header's own. */
  static int headerChecksum(byte[] header) {
    return ByteBuffer.wrap(header, SEGMENT_HEADER - 4, 4).getInt();
  }

  /** The checksum stored in the frame starting at {@code offset}. */
  static int checksum(byte[] frames, int offset) {
    return ByteBuffer.wrap(frames, offset + 12, 4).getInt();
  }

  private static int crc(long salt, int sequence, int previous, int length, byte[] body, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(20).putLong(salt).putInt(sequence).putInt(previous).putInt(length).flip());
    crc.update(body, offset, length);
    return (int) crc.getValue();
  }

  /**
   * Reads the frame at {@code offset} if it is valid on its own.
   *
   * @return the record, its chain fields and where the next frame starts, or null if the bytes
   *     from {@code offset} on are not a whole valid frame of this segment
   */
  static @Nullable Read read(byte[] segment, int offset, int end, long salt) {
    if (end - offset < HEADER) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(segment, offset, HEADER);
    int length = in.getInt();
    int sequence = in.getInt();
    int previous = in.getInt();
    int stored = in.getInt();
    if (length < 2 || length > MAX_BODY || end - offset - HEADER < length || sequence < 0) {
      return null;
    }
    int bodyStart = offset + HEADER;
    if (crc(salt, sequence, previous, length, segment, bodyStart) != stored) {
      return null;
    }
    byte[] body = new byte[length];
    System.arraycopy(segment, bodyStart, body, 0, length);
    try {
      return new Read(LogCodec.decode(body), sequence, previous, stored, bodyStart + length);
    } catch (CorruptLogException e) {
      return null; // a checksum collision on garbage: still garbage
    }
  }
}
