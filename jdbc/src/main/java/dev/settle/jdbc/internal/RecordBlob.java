package dev.settle.jdbc.internal;

import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A transaction's records as stored in its own row ({@code settle_tx.records}, schema version 2):
 * each record's {@link LogCodec} body behind its length (4 bytes, big-endian), in append order.
 * An append adds its records to the end of the column in the same statement that checks
 * ownership, so a transaction costs one row, not one row per record.
 */
public final class RecordBlob {
  private RecordBlob() {}

  /** {@code bodies}, each behind its length, as one value to append to the column. */
  public static byte[] join(List<byte[]> bodies) {
    int size = 0;
    for (byte[] body : bodies) {
      size += 4 + body.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (byte[] body : bodies) {
      out.putInt(body.length).put(body);
    }
    return out.array();
  }

  /**
   * The records in {@code blob} (null or empty: none), appended to {@code into}.
   *
   * @throws CorruptLogException if a length runs past the end or a body does not decode; the
   *     message says at which record
   */
  public static void split(byte @Nullable [] blob, List<LogRecord> into) {
    if (blob == null) {
      return;
    }
    ByteBuffer in = ByteBuffer.wrap(blob);
    int index = 0;
    while (in.hasRemaining()) {
      if (in.remaining() < 4) {
        throw new CorruptLogException(
            "record " + index + " of the transaction's row is cut off in its length", in.position());
      }
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new CorruptLogException(
            "record " + index + " of the transaction's row claims " + length + " bytes, " + in.remaining() + " are left",
            in.position() - 4);
      }
      int start = in.position() - 4;
      byte[] body = new byte[length];
      in.get(body);
      try {
        into.add(LogCodec.decode(body));
      } catch (CorruptLogException e) {
        // The codec's offset is within the record; the row's is in the message.
        throw new CorruptLogException(
            "record " + index + " of the transaction's row, starting at byte " + start + ", does not decode: "
                + e.getMessage(),
            -1);
      }
      index++;
    }
  }

  /**
   * A transaction's whole history: {@code older} (its records from before schema version 2, in
   * order), then those in its row's {@code blob}; checked as one story, so that a value cut at a
   * record boundary (which decodes cleanly) or a record of another transaction is refused.
   *
   * @param lastSeq the row's {@code last_seq}: the history holds {@code lastSeq + 1} records
   * @throws CorruptLogException if anything does not add up, saying what
   */
  public static List<LogRecord> history(
      TransactionId tx, List<LogRecord> older, byte @Nullable [] blob, int lastSeq) {
    List<LogRecord> all = new ArrayList<>(older);
    split(blob, all);
    if (all.size() != lastSeq + 1) {
      throw new CorruptLogException("the row counts " + (lastSeq + 1) + " records and holds " + all.size(), -1);
    }
    for (LogRecord record : all) {
      if (!record.transactionId().equals(tx)) {
        throw new CorruptLogException("it holds a record of transaction " + record.transactionId(), -1);
      }
    }
    return all;
  }

  /** The records in {@code blob}. */
  public static List<LogRecord> split(byte @Nullable [] blob) {
    List<LogRecord> records = new ArrayList<>();
    split(blob, records);
    return records;
  }
}
