package dev.settle.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A transaction's records in its row: what {@code join} writes {@code split} reads back in order,
 * appends concatenate, and damaged bytes are refused with where, never read as a shorter history.
 */
class RecordBlobTest {
  private static final TransactionId TX = TransactionId.of("tx-1");
  private static final List<LogRecord> RECORDS =
      List.of(
          new LogRecord.Begin(TX, "tcc", 1, 2),
          new LogRecord.BranchRegistered(TX, BranchId.of("b1"), "p", new byte[] {1, 2, 3}),
          new LogRecord.Decided(TX, Decision.COMMIT),
          new LogRecord.BranchUpdated(TX, BranchId.of("b1"), BranchState.COMMITTED),
          new LogRecord.End(TX));

  private static byte[] join(List<LogRecord> records) {
    return RecordBlob.join(records.stream().map(LogCodec::encode).toList());
  }

  @Test
  void whatIsJoinedSplitsBackInOrderAndAppendsConcatenate() {
    assertThat(RecordBlob.split(join(RECORDS))).containsExactlyElementsOf(RECORDS);
    byte[] first = join(RECORDS.subList(0, 2));
    byte[] rest = join(RECORDS.subList(2, 5));
    byte[] both = Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, both, first.length, rest.length);
    assertThat(RecordBlob.split(both)).as("the column after two appends").containsExactlyElementsOf(RECORDS);
    assertThat(RecordBlob.split((byte[]) null)).isEmpty();
    assertThat(RecordBlob.split(new byte[0])).isEmpty();
    List<LogRecord> into = new ArrayList<>(List.of(RECORDS.get(0)));
    RecordBlob.split(join(RECORDS.subList(1, 2)), into);
    assertThat(into).as("added after what the list held").containsExactlyElementsOf(RECORDS.subList(0, 2));
  }

  @Test
  void aLengthCutOffOrPastTheEndIsRefusedWithTheRecordAndOffset() {
    byte[] whole = join(RECORDS.subList(0, 2));
    int firstLength = ByteBuffer.wrap(whole).getInt();
    int secondStart = 4 + firstLength;

    byte[] cutInLength = Arrays.copyOf(whole, secondStart + 2);
    assertThatThrownBy(() -> RecordBlob.split(cutInLength))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("record 1 ")
        .hasMessageContaining("cut off in its length")
        .hasMessageContaining("at byte offset " + secondStart);

    byte[] cutInBody = Arrays.copyOf(whole, whole.length - 1);
    assertThatThrownBy(() -> RecordBlob.split(cutInBody))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("record 1 ")
        .hasMessageContaining("bytes, " + (whole.length - 1 - secondStart - 4) + " are left")
        .hasMessageContaining("at byte offset " + secondStart);

    byte[] negative = whole.clone();
    ByteBuffer.wrap(negative).putInt(secondStart, -5);
    assertThatThrownBy(() -> RecordBlob.split(negative))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("claims -5 bytes");
  }

  @Test
  void aBodyThatDoesNotDecodeIsRefusedNamingTheRecordAndWhereItStarts() {
    assertThatThrownBy(() -> RecordBlob.split(new byte[] {0, 0, 0, 2, 0x7F, 0}))
        .isInstanceOf(CorruptLogException.class)
        .hasMessage("record 0 of the transaction's row, starting at byte 0, does not decode:"
            + " unknown log format version 127 (at byte offset 0)");
    byte[] first = join(RECORDS.subList(0, 1));
    byte[] emptySecond = Arrays.copyOf(first, first.length + 4); // a length of 0, then nothing
    assertThatThrownBy(() -> RecordBlob.split(emptySecond))
        .as("an empty record is whole, and not a record")
        .isInstanceOf(CorruptLogException.class)
        .hasMessageStartingWith("record 1 of the transaction's row, starting at byte " + first.length + ", does not decode: ");
  }

  @Test
  void aHistoryThatDoesNotAddUpToTheRowsCountOrHoldsAnotherTransactionIsRefused() {
    byte[] blob = join(RECORDS.subList(1, 3));
    List<LogRecord> older = List.of(RECORDS.get(0));
    assertThat(RecordBlob.history(TX, older, blob, 2)).containsExactlyElementsOf(RECORDS.subList(0, 3));
    assertThatThrownBy(() -> RecordBlob.history(TX, older, blob, 3))
        .isInstanceOf(CorruptLogException.class)
        .hasMessage("the row counts 4 records and holds 3");
    assertThatThrownBy(() -> RecordBlob.history(TransactionId.of("tx-2"), List.of(), blob, 1))
        .isInstanceOf(CorruptLogException.class)
        .hasMessage("it holds a record of transaction tx-1");
  }
}
