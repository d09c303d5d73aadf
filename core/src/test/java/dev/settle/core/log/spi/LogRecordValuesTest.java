package dev.settle.core.log.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import org.junit.jupiter.api.Test;

/**
 * Log records are values: a {@link TransactionLog} implementation (and a test of one) compares
 * what it replays with what was appended, so two records are equal exactly when every field is,
 * payloads included, and a record owns copies of its arrays. Times are -1 or a real time, and an
 * End that names its node says when.
 */
class LogRecordValuesTest {
  private static final TransactionId TX = TransactionId.of("tx-1");
  private static final TransactionId OTHER_TX = TransactionId.of("tx-2");
  private static final BranchId DEBIT = BranchId.of("debit");
  private static final BranchId CREDIT = BranchId.of("credit");

  @Test
  void registrationsAreEqualExactlyWhenEveryFieldIs() {
    LogRecord.BranchRegistered one = registered(TX, DEBIT, "accounts", bytes(1, 2));
    LogRecord.BranchRegistered same = registered(TX, DEBIT, "accounts", bytes(1, 2));
    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one)
        .isNotEqualTo(registered(OTHER_TX, DEBIT, "accounts", bytes(1, 2)))
        .isNotEqualTo(registered(TX, CREDIT, "accounts", bytes(1, 2)))
        .isNotEqualTo(registered(TX, DEBIT, "ledger", bytes(1, 2)))
        .isNotEqualTo(registered(TX, DEBIT, "accounts", bytes(1, 3)))
        .isNotEqualTo(new LogRecord.BranchUpdated(TX, DEBIT, BranchState.REGISTERED));
    // Spread over branches: a log keeps these in hash maps.
    assertThat(one.hashCode()).isNotEqualTo(registered(TX, CREDIT, "accounts", bytes(1, 2)).hashCode());
    assertThat(one.toString())
        .isEqualTo("BranchRegistered[tx-1/debit on accounts, 2 payload bytes]");
  }

  @Test
  void aRegistrationOwnsItsPayload() {
    byte[] payload = bytes(5);
    LogRecord.BranchRegistered record = registered(TX, DEBIT, "accounts", payload);
    payload[0] = 9;
    record.payload()[0] = 9;
    assertThat(record.payload()).containsExactly(5);
  }

  @Test
  void updatesAreEqualExactlyWhenEveryFieldIsTheirTimeIncluded() {
    LogRecord.BranchUpdated one = updated(BranchState.COMMITTED, bytes(1), 100);
    LogRecord.BranchUpdated same = updated(BranchState.COMMITTED, bytes(1), 100);
    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one)
        .isNotEqualTo(new LogRecord.BranchUpdated(OTHER_TX, DEBIT, BranchState.COMMITTED, bytes(1), 100))
        .isNotEqualTo(new LogRecord.BranchUpdated(TX, CREDIT, BranchState.COMMITTED, bytes(1), 100))
        .isNotEqualTo(updated(BranchState.ROLLED_BACK, bytes(1), 100))
        .isNotEqualTo(updated(BranchState.COMMITTED, bytes(2), 100))
        .isNotEqualTo(updated(BranchState.COMMITTED, bytes(1), 101))
        .isNotEqualTo(registered(TX, DEBIT, "accounts", bytes(1)));
    assertThat(one.hashCode()).isNotEqualTo(updated(BranchState.ROLLED_BACK, bytes(1), 100).hashCode());
  }

  @Test
  void anUpdateSaysWhenOnlyWhenItWasStamped() {
    assertThat(updated(BranchState.PREPARED, bytes(1, 2, 3), -1).toString())
        .isEqualTo("BranchUpdated[tx-1/debit PREPARED, 3 data bytes]");
    assertThat(updated(BranchState.PREPARED, bytes(), 0).toString())
        .isEqualTo("BranchUpdated[tx-1/debit PREPARED, 0 data bytes, at 0]");
    assertThat(updated(BranchState.PREPARED, bytes(), -1).at(42)).isEqualTo(updated(BranchState.PREPARED, bytes(), 42));
  }

  @Test
  void anUpdateOwnsItsData() {
    byte[] data = bytes(7);
    LogRecord.BranchUpdated record = updated(BranchState.COMMITTED, data, -1);
    data[0] = 8;
    record.data()[0] = 8;
    assertThat(record.data()).containsExactly(7);
  }

  @Test
  void timesAreMinusOneForNotRecordedOrATime() {
    assertThat(updated(BranchState.COMMITTED, bytes(), 0).atMillis()).isZero();
    assertThat(new LogRecord.Decided(TX, Decision.COMMIT, "", null, -1).atMillis()).isEqualTo(-1);
    assertThat(new LogRecord.Decided(TX, Decision.COMMIT, "", null, 0).atMillis()).isZero();
    assertThatThrownBy(() -> updated(BranchState.COMMITTED, bytes(), -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("atMillis must be -1 (not recorded) or a time, was -2");
    assertThatThrownBy(() -> new LogRecord.Decided(TX, Decision.COMMIT, "", null, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was -2");
    assertThatThrownBy(() -> new LogRecord.End(TX, "", -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was -2");
  }

  @Test
  void anEndThatNamesItsNodeSaysWhen() {
    assertThat(new LogRecord.End(TX)).isEqualTo(new LogRecord.End(TX, "", -1));
    assertThat(new LogRecord.End(TX, "node-a", 0).node()).isEqualTo("node-a");
    assertThat(new LogRecord.End(TX, "", 5).atMillis()).isEqualTo(5);
    assertThatThrownBy(() -> new LogRecord.End(TX, "node-a", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an End naming its node must say when");
  }

  @Test
  void aDecisionKeepsAReasonUpToItsLimitAndCutsALongerOne() {
    String atLimit = "r".repeat(LogRecord.Decided.MAX_REASON_LENGTH);
    assertThat(new LogRecord.Decided(TX, Decision.ROLLBACK, atLimit, DEBIT).reason()).isEqualTo(atLimit);
    String cut = new LogRecord.Decided(TX, Decision.ROLLBACK, atLimit + "s", DEBIT).reason();
    assertThat(cut).hasSize(LogRecord.Decided.MAX_REASON_LENGTH).endsWith("r\u2026");
    // Cut between the two halves of a character outside the BMP, the reason would hold half a
    // character, which UTF-8 cannot store: the log would give back another reason than was logged.
    String emojiAtTheCut = "r".repeat(LogRecord.Decided.MAX_REASON_LENGTH - 2) + "\uD83D\uDE00" + "tail";
    assertThat(new LogRecord.Decided(TX, Decision.ROLLBACK, emojiAtTheCut, DEBIT).reason())
        .isEqualTo("r".repeat(LogRecord.Decided.MAX_REASON_LENGTH - 2) + "\u2026");
    String emojiBeforeTheCut = "r".repeat(LogRecord.Decided.MAX_REASON_LENGTH - 3) + "\uD83D\uDE00" + "tail";
    assertThat(new LogRecord.Decided(TX, Decision.ROLLBACK, emojiBeforeTheCut, DEBIT).reason())
        .isEqualTo("r".repeat(LogRecord.Decided.MAX_REASON_LENGTH - 3) + "\uD83D\uDE00\u2026");
    LogRecord.Decided decided = new LogRecord.Decided(TX, Decision.ROLLBACK, "refused", DEBIT);
    assertThat(decided.at(9)).isEqualTo(new LogRecord.Decided(TX, Decision.ROLLBACK, "refused", DEBIT, 9));
    assertThat(new LogRecord.Decided(TX, Decision.COMMIT)).isEqualTo(new LogRecord.Decided(TX, Decision.COMMIT, "", null, -1));
  }

  private static LogRecord.BranchRegistered registered(
      TransactionId tx, BranchId branch, String participant, byte[] payload) {
    return new LogRecord.BranchRegistered(tx, branch, participant, payload);
  }

  private static LogRecord.BranchUpdated updated(BranchState state, byte[] data, long at) {
    return new LogRecord.BranchUpdated(TX, DEBIT, state, data, at);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
