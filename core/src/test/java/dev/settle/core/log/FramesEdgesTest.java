package dev.settle.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The segment format at its edges: a frame that ends exactly where the bytes end is whole (the
 * last record of every segment), one byte less is a torn tail; the largest body a record may have
 * reads, one byte more is corruption; a header of exactly its size is a segment with no records,
 * and one cut short is named as such.
 */
class FramesEdgesTest {
  private static final long SALT = 0x5EED_5A17L;
  private static final Path FILE = Path.of("segment-0000000000000001.log");

  @Test
  void aFrameEndingExactlyAtTheEndOfTheBytesIsWholeAndOneByteLessIsTorn() {
    LogRecord record = new LogRecord.End(TransactionId.of("tx-1"));
    byte[] frames = Frames.frames(SALT, 0, 7, List.of(record)).bytes();

    Frames.Read read = Frames.read(frames, 0, frames.length, SALT);
    assertThat(read).isNotNull();
    assertThat(read.record()).isEqualTo(record);
    assertThat(read.next()).isEqualTo(frames.length);
    assertThat(read.previous()).isEqualTo(7);

    assertThat(Frames.read(frames, 0, frames.length - 1, SALT)).isNull();
    assertThat(Frames.read(frames, 0, frames.length, SALT + 1)).as("another segment's salt").isNull();
  }

  @Test
  void theLargestBodyReadsAndALongerLengthIsCorruption() {
    TransactionId tx = TransactionId.of("t");
    // BranchRegistered: 3 + tx + 1 + branch + 2 + participant + 4 + payload bytes.
    int payload = Frames.MAX_BODY - (3 + 1 + 1 + 1 + 2 + 1 + 4);
    LogRecord largest = new LogRecord.BranchRegistered(tx, BranchId.of("b"), "p", new byte[payload]);
    byte[] body = LogCodec.encode(largest);
    assertThat(body).hasSize(Frames.MAX_BODY);
    byte[] frame = Frames.frame(SALT, 0, 0, body);
    Frames.Read read = Frames.read(frame, 0, frame.length, SALT);
    assertThat(read).isNotNull();
    assertThat(((LogRecord.BranchRegistered) read.record()).payload()).hasSize(payload);

    byte[] tooLong = Frames.frame(SALT, 0, 0, Arrays.copyOf(body, Frames.MAX_BODY + 1));
    assertThat(Frames.read(tooLong, 0, tooLong.length, SALT)).isNull();
  }

  @Test
  void aHeaderOfExactlyItsSizeIsASegmentWithNoRecords() {
    byte[] header = Frames.segmentHeader(1, SALT);
    assertThat(header).hasSize(Frames.SEGMENT_HEADER);
    Frames.Header read = Frames.header(FILE, header);
    assertThat(read.number()).isEqualTo(1);
    assertThat(read.salt()).isEqualTo(SALT);

    SegmentScan scan = SegmentScan.of(FILE, 1, header, r -> {
      throw new AssertionError("no records");
    });
    assertThat(scan.end()).isEqualTo(Frames.SEGMENT_HEADER);
    assertThat(scan.nextSequence()).isZero();
    assertThat(scan.lastChecksum()).isEqualTo(Frames.headerChecksum(header));
  }

  @Test
  void aHeaderCutShortIsNamedAsSuchAndAShorterFileAsForeign() {
    byte[] header = Frames.segmentHeader(1, SALT);
    assertThatThrownBy(() -> Frames.header(FILE, Arrays.copyOf(header, 8)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("has a truncated header (8 bytes)");
    assertThatThrownBy(() -> Frames.header(FILE, Arrays.copyOf(header, Frames.SEGMENT_HEADER - 1)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("has a truncated header (27 bytes)");
    assertThatThrownBy(() -> Frames.header(FILE, Arrays.copyOf(header, 7)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("bad magic");
    byte[] damaged = header.clone();
    damaged[20] ^= 1;
    assertThatThrownBy(() -> Frames.header(FILE, damaged))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("damaged header");
    assertThatThrownBy(() -> SegmentScan.of(FILE, 2, header, r -> {}))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("holds segment 1 under another name");
    byte[] newer = header.clone();
    ByteBuffer.wrap(newer).putInt(4, Frames.VERSION + 1);
    assertThatThrownBy(() -> Frames.header(FILE, newer))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("open it with the newer Settle release that wrote it");
  }
}
