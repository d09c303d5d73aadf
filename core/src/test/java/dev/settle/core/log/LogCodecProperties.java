package dev.settle.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.CorruptLogException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LogCodecProperties {
  @Provide
  Arbitrary<List<LogRecord>> recordLists() {
    return LogArbitraries.records().list().ofMaxSize(30);
  }

  @Provide
  Arbitrary<LogRecord> records() {
    return LogArbitraries.records();
  }

  @Property
  void anyRecordSequenceRoundTripsThroughItsEncoding(@ForAll("recordLists") List<LogRecord> records) {
    List<LogRecord> decoded =
        records.stream().map(LogCodec::encode).map(LogCodec::decode).toList();
    assertThat(decoded).isEqualTo(records);
  }

  @Property
  void everyTruncationIsReportedAsCorrupt(@ForAll("records") LogRecord record) {
    byte[] bytes = LogCodec.encode(record);
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> LogCodec.decode(cut)).isInstanceOf(CorruptLogException.class);
    }
  }

  @Property
  void trailingBytesAreReportedAsCorrupt(@ForAll("records") LogRecord record) {
    byte[] bytes = LogCodec.encode(record);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> LogCodec.decode(longer))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("unexpected bytes");
  }

  @Property
  void garbageEitherDecodesOrFailsAsCorruptNeverOtherwise(@ForAll byte[] garbage) {
    try {
      LogRecord record = LogCodec.decode(garbage);
      assertThat(LogCodec.encode(record)).isEqualTo(garbage);
    } catch (CorruptLogException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
