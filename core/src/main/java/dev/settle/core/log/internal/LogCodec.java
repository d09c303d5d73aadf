package dev.settle.core.log.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.internal.check.Assert;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stable binary encoding of {@link LogRecord}s, shared by every durable log. Framing and
 * checksums belong to the store; this class encodes one record's body.
 *
 * <p>Layout, big-endian: format version (1 byte, currently 1), record type (1 byte), transaction
 * id (1-byte length, ASCII), then by type:
 *
 * <ul>
 *   <li>1 Begin: protocol (1-byte length, UTF-8), start millis (8), deadline millis (8)
 *   <li>2 BranchRegistered: branch id (1-byte length, ASCII), participant (2-byte length, UTF-8),
 *       payload (4-byte length, bytes)
 *   <li>3 BranchUpdated: branch id, state code (1), data (4-byte length, bytes)
 *   <li>4 Decided: decision code (1: commit, 2: roll back)
 *   <li>5 End: nothing more
 *   <li>7 Decided with a reason: decision code, reason (2-byte length, UTF-8), failed branch
 *       (1-byte length, ASCII; 0 for none). A decision with neither is written as type 4.
 *   <li>6 Begin naming its node: as 1, then the node name (1-byte length, UTF-8). A Begin with an
 *       empty node name is written as type 1, so logs of coordinators that name no node read the
 *       same in older versions.
 *   <li>8 BranchUpdated with its time: as 3, then the time (8, epoch millis)
 *   <li>9 Decided with its time: as 7 (reason and failed branch may be empty), then the time (8)
 *   <li>10 End naming who finished it and when: node name (1-byte length, UTF-8), time (8)
 * </ul>
 *
 * A record whose time was not recorded ({@code atMillis} -1) is written as its older type, so
 * logs and readers from before times were logged keep working both ways.
 *
 * Codes are fixed here rather than taken from enum ordinals, so reordering an enum never changes
 * what old logs mean.
 */
public final class LogCodec {
  /** The format version written by this class. */
  public static final byte VERSION = 1;

  private static final byte BEGIN = 1;
  private static final byte BRANCH_REGISTERED = 2;
  private static final byte BRANCH_UPDATED = 3;
  private static final byte DECIDED = 4;
  private static final byte END = 5;
  private static final byte BEGIN_ON_NODE = 6;
  private static final byte DECIDED_WITH_REASON = 7;
  private static final byte BRANCH_UPDATED_AT = 8;
  private static final byte DECIDED_AT = 9;
  private static final byte END_BY_NODE = 10;

  private LogCodec() {}

  /** Encodes one record. */
  public static byte[] encode(LogRecord record) {
    Assert.notNull(record, "record");
    byte[] tx = ascii(record.transactionId().value());
    if (record instanceof LogRecord.Begin b) {
      byte[] protocol = utf8(b.protocol(), 255, "protocol");
      byte[] node = utf8(b.node(), 255, "node");
      int nodeBytes = node.length == 0 ? 0 : 1 + node.length;
      ByteBuffer out =
          buffer(3 + tx.length + 1 + protocol.length + 16 + nodeBytes, node.length == 0 ? BEGIN : BEGIN_ON_NODE, tx)
              .put((byte) protocol.length)
              .put(protocol)
              .putLong(b.startMillis())
              .putLong(b.deadlineMillis());
      if (node.length > 0) {
        out.put((byte) node.length).put(node);
      }
      return out.array();
    }
    if (record instanceof LogRecord.BranchRegistered r) {
      byte[] branch = ascii(r.branchId().value());
      byte[] participant = utf8(r.participant(), 65_535, "participant");
      byte[] payload = r.payload();
      return buffer(
              3 + tx.length + 1 + branch.length + 2 + participant.length + 4 + payload.length,
              BRANCH_REGISTERED,
              tx)
          .put((byte) branch.length)
          .put(branch)
          .putShort((short) participant.length)
          .put(participant)
          .putInt(payload.length)
          .put(payload)
          .array();
    }
    if (record instanceof LogRecord.BranchUpdated u) {
      byte[] branch = ascii(u.branchId().value());
      byte[] data = u.data();
      boolean timed = u.atMillis() >= 0;
      ByteBuffer out =
          buffer(
                  3 + tx.length + 1 + branch.length + 1 + 4 + data.length + (timed ? 8 : 0),
                  timed ? BRANCH_UPDATED_AT : BRANCH_UPDATED,
                  tx)
              .put((byte) branch.length)
              .put(branch)
              .put(stateCode(u.state()))
              .putInt(data.length)
              .put(data);
      if (timed) {
        out.putLong(u.atMillis());
      }
      return out.array();
    }
    if (record instanceof LogRecord.Decided d) {
      byte code = d.decision() == Decision.COMMIT ? (byte) 1 : (byte) 2;
      BranchId failed = d.failedBranch();
      if (d.atMillis() >= 0) {
        byte[] reason = utf8(d.reason(), 65_535, "reason");
        byte[] branch = failed == null ? new byte[0] : ascii(failed.value());
        return buffer(3 + tx.length + 1 + 2 + reason.length + 1 + branch.length + 8, DECIDED_AT, tx)
            .put(code)
            .putShort((short) reason.length)
            .put(reason)
            .put((byte) branch.length)
            .put(branch)
            .putLong(d.atMillis())
            .array();
      }
      if (d.reason().isEmpty() && failed == null) {
        return buffer(3 + tx.length + 1, DECIDED, tx).put(code).array();
      }
      byte[] reason = utf8(d.reason(), 65_535, "reason");
      byte[] branch = failed == null ? new byte[0] : ascii(failed.value());
      return buffer(3 + tx.length + 1 + 2 + reason.length + 1 + branch.length, DECIDED_WITH_REASON, tx)
          .put(code)
          .putShort((short) reason.length)
          .put(reason)
          .put((byte) branch.length)
          .put(branch)
          .array();
    }
    LogRecord.End end = (LogRecord.End) record;
    if (end.atMillis() >= 0) {
      byte[] node = utf8(end.node(), 255, "node");
      return buffer(3 + tx.length + 1 + node.length + 8, END_BY_NODE, tx)
          .put((byte) node.length)
          .put(node)
          .putLong(end.atMillis())
          .array();
    }
    return buffer(3 + tx.length, END, tx).array();
  }

  /**
   * Decodes one record.
   *
   * @throws CorruptLogException if the bytes are not exactly one valid record
   */
  public static LogRecord decode(byte[] bytes) {
    Assert.notNull(bytes, "bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte version = in.get();
      if (version != VERSION) {
        throw new CorruptLogException("unknown log format version " + version, 0);
      }
      byte type = in.get();
      TransactionId tx = new TransactionId(readAscii(in));
      LogRecord record =
          switch (type) {
            case BEGIN ->
                new LogRecord.Begin(tx, readUtf8(in, in.get() & 0xFF), in.getLong(), in.getLong());
            case BEGIN_ON_NODE -> beginOnNode(tx, in);
            case BRANCH_REGISTERED ->
                new LogRecord.BranchRegistered(
                    tx,
                    new BranchId(readAscii(in)),
                    readUtf8(in, in.getShort() & 0xFFFF),
                    readBytes(in));
            case BRANCH_UPDATED ->
                new LogRecord.BranchUpdated(
                    tx, new BranchId(readAscii(in)), state(in.get()), readBytes(in));
            case DECIDED -> new LogRecord.Decided(tx, decision(in.get()));
            case DECIDED_WITH_REASON -> decidedWithReason(tx, in);
            case END -> new LogRecord.End(tx);
            case BRANCH_UPDATED_AT ->
                new LogRecord.BranchUpdated(
                    tx, new BranchId(readAscii(in)), state(in.get()), readBytes(in), time(in));
            case DECIDED_AT -> decidedAt(tx, in);
            case END_BY_NODE -> new LogRecord.End(tx, readUtf8(in, in.get() & 0xFF), time(in));
            default -> throw new CorruptLogException("unknown log record type " + type, 1);
          };
      if (in.hasRemaining()) {
        throw new CorruptLogException(
            in.remaining() + " unexpected bytes after a " + record.getClass().getSimpleName(),
            in.position());
      }
      return record;
    } catch (BufferUnderflowException e) {
      throw new CorruptLogException("log record is truncated", bytes.length);
    } catch (IllegalArgumentException e) {
      // An id or field that fails validation: the bytes were not written by us.
      throw new CorruptLogException("log record holds an invalid field: " + e.getMessage(), -1);
    }
  }

  private static LogRecord.Decided decidedWithReason(TransactionId tx, ByteBuffer in) {
    Decision decision = decision(in.get());
    String reason = readUtf8(in, in.getShort() & 0xFFFF);
    String branch = readAscii(in);
    if (reason.isEmpty() && branch.isEmpty()) {
      // Never written: a decision with neither is a type 4 record.
      throw new CorruptLogException("a decision with a reason gives none", in.position());
    }
    if (reason.length() > LogRecord.Decided.MAX_REASON_LENGTH) {
      throw new CorruptLogException("a decision's reason is longer than any written", in.position());
    }
    return new LogRecord.Decided(tx, decision, reason, branch.isEmpty() ? null : new BranchId(branch));
  }

  private static LogRecord.Decided decidedAt(TransactionId tx, ByteBuffer in) {
    Decision decision = decision(in.get());
    String reason = readUtf8(in, in.getShort() & 0xFFFF);
    String branch = readAscii(in);
    if (reason.length() > LogRecord.Decided.MAX_REASON_LENGTH) {
      throw new CorruptLogException("a decision's reason is longer than any written", in.position());
    }
    return new LogRecord.Decided(tx, decision, reason, branch.isEmpty() ? null : new BranchId(branch), time(in));
  }

  /** A time a timed record carries: never negative, since untimed records use the older types. */
  private static long time(ByteBuffer in) {
    long millis = in.getLong();
    if (millis < 0) {
      throw new CorruptLogException("a timed record holds a negative time", in.position());
    }
    return millis;
  }

  private static LogRecord.Begin beginOnNode(TransactionId tx, ByteBuffer in) {
    String protocol = readUtf8(in, in.get() & 0xFF);
    long start = in.getLong();
    long deadline = in.getLong();
    String node = readAscii(in);
    if (node.isEmpty()) {
      // Never written: a Begin without a node name is a type 1 record.
      throw new CorruptLogException("a Begin naming its node names an empty one", in.position());
    }
    return new LogRecord.Begin(tx, protocol, start, deadline, node);
  }

  private static ByteBuffer buffer(int size, byte type, byte[] tx) {
    return ByteBuffer.allocate(size).put(VERSION).put(type).put((byte) tx.length).put(tx);
  }

  private static byte[] ascii(String id) {
    // Ids are validated to be short ASCII, so one byte of length and one byte per char suffice.
    return id.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String text, int max, String name) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Assert.isTrue(bytes.length <= max, name + " must encode to at most " + max + " bytes");
    return bytes;
  }

  private static String readAscii(ByteBuffer in) {
    return readUtf8(in, in.get() & 0xFF);
  }

  private static String readUtf8(ByteBuffer in, int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new CorruptLogException("field length " + length + " exceeds the record", in.position());
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  private static byte stateCode(BranchState state) {
    return switch (state) {
      case REGISTERED -> 1;
      case PREPARED -> 2;
      case READ_ONLY -> 3;
      case FAILED -> 4;
      case COMMITTED -> 5;
      case ROLLED_BACK -> 6;
      case IN_DOUBT -> 7;
      case STARTED -> 8;
      case HEURISTIC_MIXED -> 9;
      case HEURISTIC_HAZARD -> 10;
    };
  }

  private static BranchState state(byte code) {
    return switch (code) {
      case 1 -> BranchState.REGISTERED;
      case 2 -> BranchState.PREPARED;
      case 3 -> BranchState.READ_ONLY;
      case 4 -> BranchState.FAILED;
      case 5 -> BranchState.COMMITTED;
      case 6 -> BranchState.ROLLED_BACK;
      case 7 -> BranchState.IN_DOUBT;
      case 8 -> BranchState.STARTED;
      case 9 -> BranchState.HEURISTIC_MIXED;
      case 10 -> BranchState.HEURISTIC_HAZARD;
      default -> throw new CorruptLogException("unknown branch state code " + code, -1);
    };
  }

  private static Decision decision(byte code) {
    return switch (code) {
      case 1 -> Decision.COMMIT;
      case 2 -> Decision.ROLLBACK;
      default -> throw new CorruptLogException("unknown decision code " + code, -1);
    };
  }
}
