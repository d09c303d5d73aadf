package dev.settle.core.log.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The codec at the edges of its fields, where the properties' random records rarely land: a
 * field exactly at its length limit and one byte past it, and records that no version of the
 * codec writes but a damaged or foreign file may hold, which must read as corrupt (so that
 * recovery quarantines them) rather than as a plausible record.
 */
class LogCodecEdgesTest {
  private static final TransactionId TX = TransactionId.of("tx-1");
  private static final byte DECIDED_WITH_REASON = 7;
  private static final byte DECIDED_AT = 9;
  private static final byte END_BY_NODE = 10;

  @Test
  void anEndsNodeNameFillsItsOneByteLengthAndNoMore() {
    LogRecord.End longest = new LogRecord.End(TX, "n".repeat(255), 0);
    assertThat(LogCodec.decode(LogCodec.encode(longest))).isEqualTo(longest);
    LogRecord.End multiByte = new LogRecord.End(TX, "\u00e9".repeat(127) + "n", 1); // 255 bytes in UTF-8
    assertThat(LogCodec.decode(LogCodec.encode(multiByte))).isEqualTo(multiByte);

    assertThatThrownBy(() -> LogCodec.encode(new LogRecord.End(TX, "n".repeat(256), 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node must encode to at most 255 bytes");
    assertThatThrownBy(() -> LogCodec.encode(new LogRecord.End(TX, "\u00e9".repeat(128), 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node must encode to at most 255 bytes");
  }

  @Test
  void aDecisionWithAReasonThatGivesNoneIsCorrupt() {
    byte[] bytes = decision(DECIDED_WITH_REASON, "", "", null);
    assertThatThrownBy(() -> LogCodec.decode(bytes))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("a decision with a reason gives none");
    // Either one alone is a reason.
    assertThat(LogCodec.decode(decision(DECIDED_WITH_REASON, "", "debit", null)))
        .isEqualTo(new LogRecord.Decided(TX, Decision.ROLLBACK, "", dev.settle.core.BranchId.of("debit")));
  }

  @Test
  void aReasonLongerThanAnyWrittenIsCorrupt() {
    String longest = "r".repeat(LogRecord.Decided.MAX_REASON_LENGTH);
    assertThat(((LogRecord.Decided) LogCodec.decode(decision(DECIDED_WITH_REASON, longest, "", null))).reason())
        .isEqualTo(longest);
    assertThat(((LogRecord.Decided) LogCodec.decode(decision(DECIDED_AT, longest, "", 5L))).reason())
        .isEqualTo(longest);
    for (byte type : new byte[] {DECIDED_WITH_REASON, DECIDED_AT}) {
      byte[] bytes = decision(type, longest + "r", "", type == DECIDED_AT ? 5L : null);
      assertThatThrownBy(() -> LogCodec.decode(bytes))
          .isInstanceOf(CorruptLogException.class)
          .hasMessageContaining("a decision's reason is longer than any written");
    }
  }

  @Test
  void aTimedRecordWithANegativeTimeIsCorrupt() {
    assertThat(LogCodec.decode(decision(DECIDED_AT, "", "", 0L)))
        .isEqualTo(new LogRecord.Decided(TX, Decision.ROLLBACK, "", null, 0));
    assertThatThrownBy(() -> LogCodec.decode(decision(DECIDED_AT, "", "", -1L)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("a timed record holds a negative time");
    ByteArrayOutputStream end = start(END_BY_NODE);
    end.write(1);
    end.write('n');
    end.writeBytes(ByteBuffer.allocate(8).putLong(-5).array());
    assertThatThrownBy(() -> LogCodec.decode(end.toByteArray()))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("negative time");
  }

  /** A rollback decision of {@code type} (7 or 9) as the codec lays it out, time only for 9. */
  private static byte[] decision(byte type, String reason, String failed, Long atMillis) {
    ByteArrayOutputStream out = start(type);
    out.write(2); // roll back
    byte[] why = reason.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) why.length).array());
    out.writeBytes(why);
    out.write(failed.length());
    out.writeBytes(failed.getBytes(StandardCharsets.US_ASCII));
    if (atMillis != null) {
      out.writeBytes(ByteBuffer.allocate(8).putLong(atMillis).array());
    }
    return out.toByteArray();
  }

  private static ByteArrayOutputStream start(byte type) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(LogCodec.VERSION);
    out.write(type);
    byte[] tx = TX.value().getBytes(StandardCharsets.US_ASCII);
    out.write(tx.length);
    out.writeBytes(tx);
    return out;
  }
}
