package dev.settle.core.log.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.settle.core.CorruptLogException;
import dev.settle.core.log.LogGenerators;
import dev.settle.core.log.spi.LogRecord;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec is the durable format: whatever it encodes it must decode unchanged, and whatever it
 * cannot decode it must call corrupt (never another exception), so recovery can quarantine it.
 * QuickTheories reports the seed and the shrunk input of a failure; {@code -DQT_SEED=...} replays.
 */
class LogCodecProperties {
  private static final int EXAMPLES = 1000;

  @Test
  void anyRecordSequenceRoundTripsThroughItsEncoding() {
    qt().withExamples(EXAMPLES)
        .forAll(lists().of(LogGenerators.records()).ofSizeBetween(0, 30))
        .checkAssert(
            (List<LogRecord> records) -> {
              List<LogRecord> decoded =
                  records.stream().map(LogCodec::encode).map(LogCodec::decode).toList();
              assertThat(decoded).isEqualTo(records);
            });
  }

  @Test
  void everyTruncationIsReportedAsCorrupt() {
    qt().withExamples(EXAMPLES)
        .forAll(LogGenerators.records())
        .checkAssert(
            record -> {
              byte[] bytes = LogCodec.encode(record);
              for (int length = 0; length < bytes.length; length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> LogCodec.decode(cut))
                    .isInstanceOf(CorruptLogException.class);
              }
            });
  }

  @Test
  void trailingBytesAreReportedAsCorrupt() {
    qt().withExamples(EXAMPLES)
        .forAll(LogGenerators.records())
        .checkAssert(
            record -> {
              byte[] bytes = LogCodec.encode(record);
              byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
              assertThatThrownBy(() -> LogCodec.decode(longer))
                  .isInstanceOf(CorruptLogException.class)
                  .hasMessageContaining("unexpected bytes");
            });
  }

  @Test
  void garbageEitherDecodesOrFailsAsCorruptNeverOtherwise() {
    qt().withExamples(EXAMPLES)
        .forAll(LogGenerators.bytes(255))
        .checkAssert(
            garbage -> {
              try {
                LogRecord record = LogCodec.decode(garbage);
                assertThat(LogCodec.encode(record)).isEqualTo(garbage);
              } catch (CorruptLogException expected) {
                assertThat(expected.getMessage()).isNotBlank();
              }
            });
  }
}
