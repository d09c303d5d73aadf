package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Coordinator;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.LogScan;
import dev.settle.core.log.QuarantinedTransaction;
import dev.settle.core.log.spi.TransactionLog;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A damaged or contradictory transaction in the log is quarantined: reported by an event and by
 * {@link LogReplay#scan}, never driven, and it does not stop recovery of the others (issue 13,
 * defect 10).
 */
class QuarantineTest {
  private static final TransactionId HEALTHY = TransactionId.of("healthy");
  private static final TransactionId TWICE = TransactionId.of("begins-twice");
  private static final TransactionId CONTRADICTS = TransactionId.of("contradicts");
  private static final TransactionId GHOST = TransactionId.of("ghost-branch");
  private static final TransactionId ORPHAN = TransactionId.of("orphan");

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "2pc", "saga"})
  void recoveryQuarantinesDamagedTransactionsAndFinishesTheOthers(String protocol) {
    check(ProtocolHarness.of(protocol));
  }

  private static <T> void check(ProtocolHarness<T> harness) {
    String p = harness.protocol();
    // A healthy transaction left unfinished by a crash at the second append.
    CrashingTransactionLog log = new CrashingTransactionLog(InMemoryTransactionLog.keepingHistory(), 2);
    assertThatThrownBy(() -> harness.execute(harness.coordinator(log, new ProtocolHarness.Ids("healthy"))))
        .isInstanceOf(SimulatedCrash.class);
    log.disarm();
    TransactionLog inner = log.delegate();
    // A finished transaction whose id was run again, as before reused ids were refused.
    inner.append(new LogRecord.Begin(TWICE, p, 0, Long.MAX_VALUE), true);
    inner.append(harness.registrations(TWICE), true);
    inner.append(List.of(new LogRecord.Decided(TWICE, Decision.COMMIT), new LogRecord.End(TWICE)), true);
    inner.append(new LogRecord.Begin(TWICE, p, 0, Long.MAX_VALUE), true);
    inner.append(harness.registrations(TWICE), true);
    // Two coordinators decided it both ways.
    inner.append(new LogRecord.Begin(CONTRADICTS, p, 0, Long.MAX_VALUE), true);
    inner.append(harness.registrations(CONTRADICTS), true);
    inner.append(new LogRecord.Decided(CONTRADICTS, Decision.COMMIT), true);
    inner.append(new LogRecord.Decided(CONTRADICTS, Decision.ROLLBACK), true);
    // An update of a branch that was never registered.
    inner.append(new LogRecord.Begin(GHOST, p, 0, Long.MAX_VALUE), true);
    inner.append(harness.registrations(GHOST), true);
    inner.append(new LogRecord.BranchUpdated(GHOST, BranchId.of("nobody"), BranchState.PREPARED), true);
    // Records with no Begin at all (its start was lost or compacted away).
    inner.append(new LogRecord.Decided(ORPHAN, Decision.COMMIT), true);
    List<String> callsBefore = List.copyOf(harness.calls);

    Coordinator<T> restarted = harness.coordinator(log, new ProtocolHarness.Ids());
    List<Outcome> outcomes = restarted.recover();

    assertThat(outcomes).singleElement().satisfies(o -> {
      assertThat(o.transactionId()).isEqualTo(HEALTHY);
      assertThat(o.isClean()).isTrue();
    });
    assertThat(harness.calls.subList(callsBefore.size(), harness.calls.size()))
        .as("only the healthy transaction was driven")
        .isNotEmpty()
        .allMatch(call -> call.startsWith(HEALTHY + " "));
    assertThat(harness.events)
        .filteredOn(e -> e.type() == EventType.TRANSACTION_QUARANTINED)
        .extracting(TransactionEvent::transactionId)
        .containsExactlyInAnyOrder(TWICE, CONTRADICTS, GHOST, ORPHAN);

    LogScan scan = LogReplay.scan(log);
    assertThat(scan.images()).containsOnlyKeys(HEALTHY);
    assertThat(scan.images().get(HEALTHY).ended()).isTrue();
    assertThat(scan.quarantined()).containsOnlyKeys(TWICE, CONTRADICTS, GHOST, ORPHAN);
    QuarantinedTransaction twice = scan.quarantined().get(TWICE);
    assertThat(twice.reason()).contains("begins twice");
    assertThat(twice.protocol()).isEqualTo(p);
    assertThat(twice.records()).hasSize(2 + 2 * harness.registrations(TWICE).size() + 2);
    assertThat(scan.quarantined().get(CONTRADICTS).reason()).contains("contradicts");
    assertThat(scan.quarantined().get(GHOST).reason()).contains("unregistered branch nobody");
    assertThat(scan.quarantined().get(ORPHAN).reason()).contains("no Begin");
    assertThat(scan.quarantined().get(ORPHAN).protocol()).isNull();

    // A second pass quarantines them again and drives nothing.
    assertThat(restarted.recover()).isEmpty();
    assertThat(restarted.decisionFor(HEALTHY)).isPresent();
    assertThatThrownBy(() -> restarted.decisionFor(CONTRADICTS))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("quarantined");
  }
}
