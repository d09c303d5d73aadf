package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionImageTest {
  private final TransactionId tx = TransactionId.of("t1");
  private final BranchId a = BranchId.of("a");
  private final LogRecord.Begin begin = new LogRecord.Begin(tx, "tcc", 10, 20);

  @Test
  void foldsAWholeHistory() {
    TransactionImage image =
        TransactionImage.begin(begin)
            .apply(new LogRecord.BranchRegistered(tx, a, "shard", new byte[] {7}))
            .apply(new LogRecord.BranchUpdated(tx, a, BranchState.PREPARED))
            .apply(new LogRecord.Decided(tx, Decision.COMMIT))
            .apply(new LogRecord.BranchUpdated(tx, a, BranchState.COMMITTED, new byte[] {1, 2}));
    assertThat(image.decision()).isEqualTo(Decision.COMMIT);
    assertThat(image.ended()).isFalse();
    assertThat(image.branches().get(a).state()).isEqualTo(BranchState.COMMITTED);
    assertThat(image.branches().get(a).payload()).containsExactly(7);
    assertThat(image.branches().get(a).data()).containsExactly(1, 2);
    assertThat(image.apply(new LogRecord.End(tx)).ended()).isTrue();
  }

  @Test
  void anUpdateWithoutDataKeepsTheBranchsLastData() {
    TransactionImage image =
        TransactionImage.begin(begin)
            .apply(new LogRecord.BranchRegistered(tx, a, "shard", new byte[] {7}))
            .apply(new LogRecord.BranchUpdated(tx, a, BranchState.COMMITTED, new byte[] {1}))
            .apply(new LogRecord.BranchUpdated(tx, a, BranchState.FAILED));
    assertThat(image.branches().get(a).state()).isEqualTo(BranchState.FAILED);
    assertThat(image.branches().get(a).data()).containsExactly(1);
  }

  @Test
  void branchImagesAreValuesThatOwnTheirArrays() {
    BranchImage image = new BranchImage(a, "shard", new byte[] {7}, BranchState.PREPARED, new byte[] {1});
    BranchImage same = new BranchImage(a, "shard", new byte[] {7}, BranchState.PREPARED, new byte[] {1});
    assertThat(image).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(image)
        .isNotEqualTo(new BranchImage(BranchId.of("b"), "shard", new byte[] {7}, BranchState.PREPARED, new byte[] {1}))
        .isNotEqualTo(new BranchImage(a, "ledger", new byte[] {7}, BranchState.PREPARED, new byte[] {1}))
        .isNotEqualTo(new BranchImage(a, "shard", new byte[] {8}, BranchState.PREPARED, new byte[] {1}))
        .isNotEqualTo(new BranchImage(a, "shard", new byte[] {7}, BranchState.COMMITTED, new byte[] {1}))
        .isNotEqualTo(new BranchImage(a, "shard", new byte[] {7}, BranchState.PREPARED, new byte[] {2}))
        .isNotEqualTo("a@shard:PREPARED");
    assertThat(image.hashCode())
        .isNotEqualTo(new BranchImage(a, "shard", new byte[] {7}, BranchState.COMMITTED, new byte[] {1}).hashCode());
    assertThat(image).hasToString("a@shard:PREPARED");
    image.payload()[0] = 0;
    image.data()[0] = 0;
    assertThat(image.payload()).containsExactly(7);
    assertThat(image.data()).containsExactly(1);
  }

  @Test
  void refusesAnUpdateOfAnUnknownBranch() {
    assertThatThrownBy(
            () ->
                TransactionImage.begin(begin)
                    .apply(new LogRecord.BranchUpdated(tx, a, BranchState.PREPARED)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("unregistered branch a");
  }

  @Test
  void refusesAContradictingDecision() {
    TransactionImage decided = TransactionImage.begin(begin).apply(new LogRecord.Decided(tx, Decision.ROLLBACK));
    assertThat(decided.apply(new LogRecord.Decided(tx, Decision.ROLLBACK)).decision())
        .isEqualTo(Decision.ROLLBACK);
    assertThatThrownBy(() -> decided.apply(new LogRecord.Decided(tx, Decision.COMMIT)))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("contradicts the logged decision ROLLBACK");
  }

  @Test
  void refusesRecordsAfterEndAndDuplicateRegistration() {
    TransactionImage ended = TransactionImage.begin(begin).apply(new LogRecord.End(tx));
    assertThatThrownBy(() -> ended.apply(new LogRecord.Decided(tx, Decision.COMMIT)))
        .hasMessageContaining("follows the End record");
    TransactionImage one =
        TransactionImage.begin(begin).apply(new LogRecord.BranchRegistered(tx, a, "p", new byte[0]));
    assertThatThrownBy(() -> one.apply(new LogRecord.BranchRegistered(tx, a, "p", new byte[0])))
        .hasMessageContaining("twice");
  }

  @Test
  void replayRefusesARecordWithoutBegin() {
    assertThatThrownBy(() -> LogReplay.all(List.of(new LogRecord.End(tx))))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("no Begin");
    assertThatThrownBy(() -> LogReplay.all(List.of(begin, begin)))
        .hasMessageContaining("begins twice");
  }
}
