package dev.settle.core.log;

import dev.settle.core.CorruptLogException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The on-disk frame of one record: body length (4 bytes), record type (1), CRC32C of type and
 * body (4), then the body ({@link LogCodec}). A segment starts with a header: magic "STLG", format
 * version (4 bytes).
 */
final class Frames {
  static final int HEADER = 9;
  static final int SEGMENT_MAGIC = 0x53544C47; // "STLG"
  static final int SEGMENT_VERSION = 1;
  static final int SEGMENT_HEADER = 8;
  /** No single record is larger; a longer length field is corruption, not a record. */
  static final int MAX_BODY = 16 * 1024 * 1024;

  private Frames() {}

  static ByteBuffer frame(LogRecord record) {
    byte[] body = LogCodec.encode(record);
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + body.length);
    byte type = body[1];
    buffer.putInt(body.length).put(type).putInt(crc(type, body, 0, body.length)).put(body).flip();
    return buffer;
  }

  static int crc(byte type, byte[] body, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(type);
    crc.update(body, offset, length);
    return (int) crc.getValue();
  }

  /**
   * Reads the frame at {@code offset} of {@code segment}.
   *
   * @return the record and where the next frame starts, or null if the bytes from {@code offset}
   *     on are not a whole valid frame
   */
  static @Nullable Read read(byte[] segment, int offset, int end) {
    if (end - offset < HEADER) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(segment, offset, end - offset);
    int length = in.getInt();
    byte type = in.get();
    int crc = in.getInt();
    if (length < 2 || length > MAX_BODY || end - offset - HEADER < length) {
      return null;
    }
    int bodyStart = offset + HEADER;
    if (segment[bodyStart + 1] != type || crc(type, segment, bodyStart, length) != crc) {
      return null;
    }
    byte[] body = new byte[length];
    System.arraycopy(segment, bodyStart, body, 0, length);
    try {
      return new Read(LogCodec.decode(body), bodyStart + length);
    } catch (CorruptLogException e) {
      return null; // a checksum collision on garbage: still garbage
    }
  }

  record Read(LogRecord record, int next) {}
}
