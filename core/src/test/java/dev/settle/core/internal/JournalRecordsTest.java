package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.ManualClock;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the journal writes: state changes, decisions and Ends stamped with the coordinator's clock
 * (and the End with the node that finished the transaction), records that would make a history
 * recovery cannot follow refused before anything is written, and nothing at all once closed.
 */
class JournalRecordsTest {
  private final ManualClock clock = new ManualClock(1_700_000_000_123L);
  private final InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
  private final Journal journal = new Journal(log, "2pc", new EventDispatcher(clock, List.of()), "node-3");
  private final TransactionId t1 = TransactionId.of("t1");
  private final TransactionId t2 = TransactionId.of("t2");
  private final BranchId b = BranchId.of("b");

  private void begin(TransactionId tx) {
    journal.append(List.of(new LogRecord.Begin(tx, "2pc", 5, 10, "node-3")), true);
  }

  @Test
  void stateChangesDecisionsAndEndsAreStampedWithTheClockAndTheEndWithTheNode() {
    begin(t1);
    clock.advance(java.time.Duration.ofMillis(7));
    journal.append(
        List.of(
            new LogRecord.BranchUpdated(t1, b, BranchState.PREPARED),
            new LogRecord.BranchUpdated(t1, BranchId.of("given"), BranchState.PREPARED, new byte[0], 42)),
        false);
    journal.decide(t1, Decision.COMMIT);
    journal.end(t1);

    List<LogRecord> records = log.records();
    long now = clock.millis();
    assertThat(records.get(0)).isEqualTo(new LogRecord.Begin(t1, "2pc", 5, 10, "node-3")); // as given
    assertThat(((LogRecord.BranchUpdated) records.get(1)).atMillis()).isEqualTo(now);
    assertThat(((LogRecord.BranchUpdated) records.get(2)).atMillis()).as("a time already set is kept").isEqualTo(42);
    assertThat(((LogRecord.Decided) records.get(3)).atMillis()).isEqualTo(now);
    LogRecord.End end = (LogRecord.End) records.get(4);
    assertThat(end.atMillis()).isEqualTo(now);
    assertThat(end.node()).isEqualTo("node-3");
  }

  /**
   * A batch carries one time: the clock is read once for it, even when the reading is 0 (a clock
   * at the epoch), and a clock set before the epoch stamps 0, never an invalid negative time. A
   * time already set is kept, 0 included.
   */
  @Test
  void aBatchIsStampedWithOneReadingOfTheClockAndNeverBeforeTheEpoch() {
    long[] reading = {0};
    java.time.Clock ticking =
        new java.time.Clock() {
          @Override
          public long millis() {
            return reading[0]++;
          }

          @Override
          public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis());
          }

          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    InMemoryTransactionLog own = InMemoryTransactionLog.keepingHistory();
    Journal stamping = new Journal(own, "2pc", new EventDispatcher(ticking, List.of()), "node-3");
    stamping.append(List.of(new LogRecord.Begin(t1, "2pc", 5, 10, "node-3")), true);
    reading[0] = 0;
    stamping.append(
        List.of(
            new LogRecord.BranchUpdated(t1, b, BranchState.PREPARED),
            new LogRecord.BranchUpdated(t1, BranchId.of("given"), BranchState.PREPARED, new byte[0], 0),
            new LogRecord.Decided(t1, Decision.COMMIT),
            new LogRecord.End(t1)),
        false);
    List<LogRecord> records = own.records();
    assertThat(((LogRecord.BranchUpdated) records.get(1)).atMillis()).isZero();
    assertThat(((LogRecord.BranchUpdated) records.get(2)).atMillis()).isZero();
    assertThat(((LogRecord.Decided) records.get(3)).atMillis()).isZero();
    assertThat(((LogRecord.End) records.get(4)).atMillis()).isZero();

    stamping.append(List.of(new LogRecord.Begin(t2, "2pc", 5, 10, "node-3")), true);
    reading[0] = 10;
    stamping.append(
        List.of(
            new LogRecord.BranchUpdated(t2, BranchId.of("given"), BranchState.PREPARED, new byte[0], 0),
            new LogRecord.Decided(t2, Decision.ROLLBACK),
            new LogRecord.End(t2)),
        false);
    records = own.records();
    assertThat(((LogRecord.BranchUpdated) records.get(6)).atMillis()).as("a time already set is kept").isZero();
    assertThat(((LogRecord.Decided) records.get(7)).atMillis()).isEqualTo(10);
    assertThat(((LogRecord.End) records.get(8)).atMillis()).isEqualTo(10);

    reading[0] = -5;
    TransactionId t3 = TransactionId.of("t3");
    stamping.append(List.of(new LogRecord.Begin(t3, "2pc", 5, 10, "node-3")), true);
    stamping.decide(t3, Decision.ROLLBACK);
    assertThat(((LogRecord.Decided) own.records().get(10)).atMillis()).as("before the epoch").isZero();
  }

  @Test
  void aBatchSpanningTransactionsIsCheckedRecordByRecordBeforeAnythingIsWritten() {
    begin(t1);
    int before = log.records().size();
    // A Begin and a decision for a new transaction next to one already running: fine.
    journal.append(
        List.of(
            new LogRecord.Begin(t2, "2pc", 0, 1),
            new LogRecord.Decided(t2, Decision.ROLLBACK),
            new LogRecord.BranchUpdated(t1, b, BranchState.PREPARED)),
        false);
    assertThat(log.records()).hasSize(before + 3);

    assertThatThrownBy(
            () -> journal.append(
                List.of(new LogRecord.BranchUpdated(t1, b, BranchState.COMMITTED), new LogRecord.Begin(t1, "2pc", 0, 1)),
                false))
        .hasMessageContaining("is already running");
    assertThatThrownBy(
            () -> journal.append(
                List.of(new LogRecord.BranchUpdated(t1, b, BranchState.COMMITTED), new LogRecord.Decided(TransactionId.of("t9"), Decision.COMMIT)),
                false))
        .hasMessageContaining("is not running");
    assertThatThrownBy(
            () -> journal.append(
                List.of(new LogRecord.Decided(t1, Decision.COMMIT), new LogRecord.Decided(t2, Decision.COMMIT)),
                false))
        .as("t2 is decided ROLLBACK")
        .hasMessageContaining("already decided ROLLBACK");
    TransactionId t3 = TransactionId.of("t3");
    assertThatThrownBy(
            () -> journal.append(
                List.of(
                    new LogRecord.Begin(t3, "2pc", 0, 1),
                    new LogRecord.Decided(t3, Decision.COMMIT),
                    new LogRecord.BranchUpdated(t1, b, BranchState.PREPARED),
                    new LogRecord.Decided(t3, Decision.ROLLBACK)),
                false))
        .hasMessageContaining("already decided COMMIT");
    assertThat(log.records()).as("nothing of a refused batch is written").hasSize(before + 3);
  }

  @Test
  void aOneTransactionBatchIsRefusedTheSameWay() {
    begin(t1);
    assertThatThrownBy(() -> journal.append(List.of(new LogRecord.Begin(t1, "2pc", 0, 1)), false))
        .hasMessageContaining("is already running");
    assertThatThrownBy(
            () -> journal.append(List.of(new LogRecord.Begin(t2, "2pc", 0, 1), new LogRecord.Begin(t2, "2pc", 0, 1)), false))
        .hasMessageContaining("is already running");
    journal.decide(t1, Decision.COMMIT);
    assertThatThrownBy(() -> journal.decide(t1, Decision.ROLLBACK)).hasMessageContaining("already decided COMMIT");
    journal.decide(t1, Decision.COMMIT); // the same decision again changes nothing
    assertThat(journal.running(t1)).isTrue();
    assertThat(journal.decisionFor(t1)).isEqualTo(Decision.COMMIT);
    journal.end(t1);
    assertThat(journal.running(t1)).isFalse();
    assertThat(journal.decisionFor(t1)).as("read from the log once ended").isEqualTo(Decision.COMMIT);
  }

  @Test
  void aReleasedJournalWritesAndReadsNothing() {
    begin(t1);
    journal.release();
    assertThatThrownBy(() -> journal.reserve(t2)).hasMessageContaining("closed");
    assertThatThrownBy(() -> journal.append(new LogRecord.BranchUpdated(t1, b, BranchState.PREPARED), false))
        .hasMessageContaining("closed");
    assertThatThrownBy(journal::recoverUnfinished).hasMessageContaining("closed");
    assertThatThrownBy(journal::recoverFromLog).hasMessageContaining("closed");
  }
}
