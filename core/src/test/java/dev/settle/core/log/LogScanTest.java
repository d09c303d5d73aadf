package dev.settle.core.log;

import dev.settle.core.log.spi.TransactionLog;
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

class LogScanTest {
  private final TransactionId good = TransactionId.of("good");
  private final TransactionId late = TransactionId.of("late");
  private final BranchId branch = BranchId.of("b");

  @Test
  void aRecordAfterTheEndQuarantinesItsTransactionWithAllItsRecords() {
    List<LogRecord> records =
        List.of(
            new LogRecord.Begin(late, "tcc", 0, 1),
            new LogRecord.Begin(good, "tcc", 0, 1),
            new LogRecord.BranchRegistered(late, branch, "p", new byte[0]),
            new LogRecord.End(late),
            new LogRecord.BranchRegistered(good, branch, "p", new byte[0]),
            new LogRecord.BranchUpdated(late, branch, BranchState.COMMITTED),
            new LogRecord.Decided(good, Decision.COMMIT),
            new LogRecord.Decided(late, Decision.COMMIT));

    LogScan scan = LogReplay.scan(records);

    assertThat(scan.images()).containsOnlyKeys(good);
    assertThat(scan.images().get(good).decision()).isEqualTo(Decision.COMMIT);
    QuarantinedTransaction q = scan.quarantined().get(late);
    assertThat(q.reason()).contains("follows the End record");
    assertThat(q.protocol()).isEqualTo("tcc");
    assertThat(q.records()).filteredOn(r -> r.transactionId().equals(late)).hasSize(5);
    assertThat(q.records()).hasSize(5);
    assertThat(scan.unfinished("tcc")).containsOnlyKeys(good);
    assertThat(scan.quarantined("saga")).isEmpty();
    // The strict replay still refuses the same log outright.
    assertThatThrownBy(() -> LogReplay.all(records)).isInstanceOf(CorruptLogException.class);
  }

  @Test
  void aLogWithoutDamageIsReadOnceAndQuarantinesNothing() {
    int[] replays = {0};
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    log.append(List.of(new LogRecord.Begin(good, "2pc", 0, 1), new LogRecord.End(good)), true);
    TransactionLog counting =
        new TransactionLog() {
          @Override
          public void append(List<LogRecord> records, boolean force) {
            log.append(records, force);
          }

          @Override
          public void replay(java.util.function.Consumer<LogRecord> sink) {
            replays[0]++;
            log.replay(sink);
          }

          @Override
          public void close() {}
        };
    LogScan scan = LogReplay.scan(counting);
    assertThat(scan.quarantined()).isEmpty();
    assertThat(scan.images().get(good).ended()).isTrue();
    assertThat(replays[0]).isEqualTo(1);
  }
  /**
   * Two Begins for one id (an id reused by a broken generator), or records with no Begin before
   * them (a log cut at its start), are no story recovery can follow: the transaction is
   * quarantined with all its records and the reason, and the others are read as usual.
   */
  @Test
  void aTransactionThatBeginsTwiceOrHasNoBeginIsQuarantinedAndTheRestIsRead() {
    TransactionId twice = TransactionId.of("twice");
    TransactionId headless = TransactionId.of("headless");
    List<LogRecord> records =
        List.of(
            new LogRecord.Begin(twice, "saga", 0, 1),
            new LogRecord.Begin(good, "tcc", 0, 1),
            new LogRecord.Decided(headless, Decision.COMMIT),
            new LogRecord.Begin(twice, "saga", 0, 1),
            new LogRecord.End(headless),
            new LogRecord.Decided(twice, Decision.ROLLBACK));

    LogScan scan = LogReplay.scan(records);

    assertThat(scan.images()).containsOnlyKeys(good);
    QuarantinedTransaction begunTwice = scan.quarantined().get(twice);
    assertThat(begunTwice.reason()).isEqualTo("transaction twice begins twice in the log");
    assertThat(begunTwice.protocol()).isEqualTo("saga");
    assertThat(begunTwice.records()).hasSize(3);
    QuarantinedTransaction noBegin = scan.quarantined().get(headless);
    assertThat(noBegin.reason()).contains("has no Begin record before it");
    assertThat(noBegin.protocol()).isNull();
    assertThat(noBegin.records()).hasSize(2);
    assertThat(scan.quarantined("saga")).containsOnlyKeys(twice, headless);
  }
}
