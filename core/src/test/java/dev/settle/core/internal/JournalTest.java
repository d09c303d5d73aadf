package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.LogClaimedException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JournalTest {
  private final TransactionId tx = TransactionId.of("t");

  @Test
  void theDecisionIsAlwaysForced() {
    List<Boolean> forces = new ArrayList<>();
    TransactionLog spy =
        new TransactionLog() {
          @Override
          public void append(List<LogRecord> records, boolean force) {
            forces.add(force);
          }

          @Override
          public void replay(Consumer<LogRecord> sink) {}

          @Override
          public void close() {}
        };
    Journal journal = new Journal(spy, "2pc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    journal.append(new LogRecord.Begin(tx, "2pc", 0, 1), false);
    journal.decide(tx, Decision.COMMIT);
    journal.end(tx);
    assertThat(forces).containsExactly(false, true, false);
  }

  /**
   * A record whose append failed is never taken as logged: the journal drops what it kept of the
   * transaction, and recovery reads the log, which holds no decision here.
   */
  @Test
  void aFailedAppendIsNeverTakenAsLogged() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    Journal journal = new Journal(log, "2pc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    journal.append(new LogRecord.Begin(tx, "2pc", 0, 1), false);
    log.close();
    assertThatThrownBy(() -> journal.decide(tx, Decision.COMMIT))
        .isInstanceOf(TransactionLogException.class);
    assertThat(journal.live(tx)).isNull();
    assertThat(journal.recoverUnfinished().get(tx).decision()).isNull();
  }

  @Test
  void aNewJournalOnTheSameLogRecoversTheDecision() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    Journal first = new Journal(log, "2pc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    first.append(new LogRecord.Begin(tx, "2pc", 0, 1), false);
    first.decide(tx, Decision.ROLLBACK);
    first.release(); // the first coordinator is gone
    Journal second = new Journal(log, "2pc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    assertThat(second.decisionFor(tx)).isEqualTo(Decision.ROLLBACK);
    assertThat(second.recoverUnfinished()).containsOnlyKeys(tx);
    assertThat(second.decisionFor(TransactionId.of("unknown"))).isNull();
  }

  @Test
  void aSecondJournalOfTheSameProtocolIsRefusedWhileTheFirstHoldsTheLog() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    Journal first = new Journal(log, "tcc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    assertThatThrownBy(() -> new Journal(log, "tcc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of())))
        .isInstanceOf(LogClaimedException.class)
        .hasMessageContaining("already serves a tcc coordinator");
    new Journal(log, "saga", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of())); // another protocol's transactions are never this one's
    first.release();
    new Journal(log, "tcc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
  }

  @Test
  void aContradictingDecisionIsRefusedBeforeItIsWritten() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Journal journal = new Journal(log, "tcc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    journal.append(new LogRecord.Begin(tx, "tcc", 0, 1), true);
    journal.decide(tx, Decision.COMMIT);
    journal.decide(tx, Decision.COMMIT); // the same decision again is harmless

    assertThatThrownBy(() -> journal.decide(tx, Decision.ROLLBACK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already decided COMMIT");
    assertThatThrownBy(
            () -> journal.append(List.of(new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.Decided(tx, Decision.ROLLBACK)), true))
        .isInstanceOf(IllegalStateException.class);
    journal.end(tx);
    assertThatThrownBy(() -> journal.decide(tx, Decision.ROLLBACK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not running");
    assertThat(log.records()).filteredOn(r -> r instanceof LogRecord.Decided d && d.decision() == Decision.ROLLBACK).isEmpty();
  }

  @Test
  void aRecoveredDecisionIsKnownToo() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    log.append(List.of(new LogRecord.Begin(tx, "2pc", 0, 1), new LogRecord.Decided(tx, Decision.COMMIT)), true);
    Journal journal = new Journal(log, "2pc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    journal.recoverUnfinished();
    assertThatThrownBy(() -> journal.append(new LogRecord.Decided(tx, Decision.ROLLBACK), false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> journal.append(new LogRecord.Begin(tx, "2pc", 0, 1), false))
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * An append that failed may have been stored all the same (a commit whose answer was lost): the
   * journal then stops trusting the history it keeps for that transaction, and recovery reads it
   * from the log, where the decision is. (The shared-log simulation found a recovery driving the
   * stale history and trying to log the opposite decision.)
   */
  @Test
  void afterAnAppendWhoseFateIsUnknownRecoveryReadsTheTransactionFromTheLog() {
    dev.settle.core.log.InMemoryTransactionLog stored = dev.settle.core.log.InMemoryTransactionLog.keepingHistory();
    boolean[] loseNextAnswer = {false};
    TransactionLog log =
        new dev.settle.core.log.spi.ForwardingTransactionLog(stored) {
          @Override
          public void append(List<LogRecord> records, boolean force) {
            super.append(records, force);
            if (loseNextAnswer[0]) {
              loseNextAnswer[0] = false;
              throw new dev.settle.core.TransactionLogException("may or may not be stored", null);
            }
          }
        };
    Journal journal = new Journal(log, "tcc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    journal.append(new LogRecord.Begin(tx, "tcc", 0, Long.MAX_VALUE), true);
    loseNextAnswer[0] = true;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> journal.decide(tx, Decision.COMMIT))
        .isInstanceOf(dev.settle.core.TransactionLogException.class);
    assertThat(journal.running(tx)).as("no longer trusted here").isFalse();
    assertThat(journal.recoverUnfinished().get(tx).decision()).isEqualTo(Decision.COMMIT);
    assertThat(journal.live(tx).decision()).isEqualTo(Decision.COMMIT);
  }
}
