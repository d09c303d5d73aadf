package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.OwnershipLostException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Which unfinished transactions a recovery read adopts as live. The rule (DESIGN.md, "one
 * decision"): a history read from the log is adopted only if it is still the whole truth once
 * adopted; one that went stale while the log was read (the transaction ended here, or an append of
 * it failed) is left to the next pass, which reads again. Adopting a stale history would recover a
 * decided transaction by presumed abort and log a second, contradicting decision. The testkit's
 * {@code RecoveryReadingAStaleLogTest} shows the race with two threads; these tests step through
 * each branch of the rule with a log whose adoption read runs an action between taking its
 * snapshot and handing it on.
 */
class JournalAdoptionTest {
  private final TransactionId tx = TransactionId.of("tx-stale");
  private final InMemoryTransactionLog stored = InMemoryTransactionLog.keepingHistory();
  private final SnapshotThenAct log = new SnapshotThenAct(stored);
  private final List<TransactionEvent> events = new CopyOnWriteArrayList<>();
  private final Journal journal =
      new Journal(log, "tcc", new EventDispatcher(Clock.systemUTC(), List.<dev.settle.core.event.TransactionListener>of(events::add)), "node-a");

  @Test
  void anUnfinishedTransactionFromAnotherInstanceIsAdoptedWithItsLoggedHistory() {
    beginElsewhere(tx);
    stored.append(List.of(new LogRecord.Decided(tx, Decision.COMMIT)), true);
    assertThat(journal.live(tx)).isNull();

    assertThat(journal.recoverUnfinished()).containsKey(tx);

    assertThat(journal.live(tx)).isNotNull();
    assertThat(journal.live(tx).decision()).isEqualTo(Decision.COMMIT);
    assertThat(journal.running(tx)).isTrue();
    // Adopted: its End is now this journal's to write.
    journal.end(tx);
    assertThat(journal.running(tx)).isFalse();
  }

  @Test
  void aTransactionThatEndsHereWhileTheLogIsReadIsNotAdopted() {
    beginHere();
    log.duringNextAdoptionRead(
        () -> {
          journal.decide(tx, Decision.COMMIT);
          journal.end(tx);
        });

    journal.recoverFromLog();

    assertThat(journal.live(tx)).as("the snapshot had no decision; adopting it would presume abort").isNull();
    assertThat(journal.recoverUnfinished()).doesNotContainKey(tx);
  }

  /**
   * The id set remembers the last {@value KnownIds#ENDED_KEPT} ends. When more than that many
   * transactions end during one read, it may have forgotten that a transaction read as unfinished
   * ended meanwhile, so the pass adopts nothing it does not know to be unended.
   */
  @Test
  void aReadDuringWhichTheIdSetForgetsAnEndAdoptsNothingItCannotVouchFor() {
    beginHere();
    log.duringNextAdoptionRead(
        () -> {
          journal.decide(tx, Decision.COMMIT);
          journal.end(tx);
          endMany(KnownIds.ENDED_KEPT);
        });

    journal.recoverFromLog();

    assertThat(journal.live(tx)).as("its end was forgotten, not its ending").isNull();
  }

  /**
   * A transaction lost to another node and taken back holds two places among the remembered
   * closings: its leaving's and its End's. Its End during a read, at the very moment the ring
   * comes round to its leaving's slot, must not make the id set forget that it ended, or the read's
   * stale history (no decision) is adopted and recovered by presumed abort after the commit.
   */
  @Test
  void aTransactionTakenBackAndEndedWhileTheLogIsReadIsNotAdoptedEvenWhenTheRingComesRound() {
    beginHere();
    log.refuseNextAs = new OwnershipLostException(tx, "node-a", 1, "node-b took it over");
    assertThatThrownBy(() -> journal.decide(tx, Decision.COMMIT)).isInstanceOf(OwnershipLostException.class);
    journal.recoverFromLog(); // node-b gave it back: taken on again
    assertThat(journal.live(tx)).isNotNull();
    endMany(KnownIds.ENDED_KEPT - 1); // the next closing reuses the slot of tx's leaving
    log.duringNextAdoptionRead(
        () -> {
          journal.decide(tx, Decision.COMMIT);
          journal.end(tx);
        });

    journal.recoverFromLog();

    assertThat(journal.live(tx)).as("adopting the stale history would presume abort after the commit").isNull();
  }

  /** Many ends before the read began do not count against a history read afterwards. */
  @Test
  void endsBeforeTheReadDoNotStopAnAdoption() {
    endMany(KnownIds.ENDED_KEPT / 2 + 1);
    TransactionId foreign = TransactionId.of("tx-foreign");
    beginElsewhere(foreign);

    journal.recoverFromLog();

    assertThat(journal.live(foreign)).isNotNull();
  }

  /**
   * An append whose fate is unknown (the log failed to answer, but may have stored the records)
   * during the read makes the history read stale; the next pass, reading after the failure,
   * adopts what the log then holds.
   */
  @Test
  void aTransactionWhoseAppendFailsWhileTheLogIsReadIsLeftToTheNextPass() {
    beginHere();
    log.duringNextAdoptionRead(
        () -> {
          log.loseNextAnswer = true;
          assertThatThrownBy(() -> journal.decide(tx, Decision.COMMIT)).isInstanceOf(TransactionLogException.class);
        });

    journal.recoverFromLog();
    assertThat(journal.live(tx)).as("read before the failed append: stale").isNull();

    journal.recoverFromLog();
    assertThat(journal.live(tx)).isNotNull();
    assertThat(journal.live(tx).decision()).as("read after it: the stored decision").isEqualTo(Decision.COMMIT);
  }

  /**
   * A shared log that refuses a write because another node owns the transaction now: this journal
   * forgets it (its new owner finishes it), announces it, and still refuses the id as new.
   */
  @Test
  void aTransactionLostToAnotherNodeIsForgottenAndAnnounced() {
    beginHere();
    log.refuseNextAs = new OwnershipLostException(tx, "node-a", 1, "node-b took it over");

    assertThatThrownBy(() -> journal.decide(tx, Decision.COMMIT)).isInstanceOf(OwnershipLostException.class);

    assertThat(journal.running(tx)).isFalse();
    assertThat(events)
        .filteredOn(e -> e.type() == EventType.OWNERSHIP_LOST)
        .singleElement()
        .satisfies(e -> assertThat(e.transactionId()).isEqualTo(tx));
    assertThatThrownBy(() -> journal.reserve(tx)).isInstanceOf(dev.settle.core.DuplicateTransactionIdException.class);
    // Not ended, so a later recovery read that finds it unfinished in a log this instance may
    // drive (here an in-memory log, which knows no owners) takes it on again.
    journal.recoverFromLog();
    assertThat(journal.live(tx)).isNotNull();
  }

  /** Begins {@code tx} on this journal, as a coordinator does. */
  private void beginHere() {
    journal.reserve(tx);
    journal.append(new LogRecord.Begin(tx, "tcc", 0, Long.MAX_VALUE), true);
  }

  private void beginElsewhere(TransactionId id) {
    stored.append(List.of(new LogRecord.Begin(id, "tcc", 0, Long.MAX_VALUE)), true);
  }

  private void endMany(int count) {
    for (int i = 0; i < count; i++) {
      TransactionId other = TransactionId.of("other-" + i);
      journal.append(List.of(new LogRecord.Begin(other, "tcc", 0, 1), new LogRecord.End(other)), false);
    }
  }

  /**
   * Recovery reads the log twice: a scan, then the histories to adopt. When armed, the second
   * read takes its snapshot, runs an action (what other threads did meanwhile), then hands on
   * the snapshot, stale. Can also fail the next append after storing it, or refuse it.
   */
  private static final class SnapshotThenAct extends ForwardingTransactionLog {
    private @Nullable Runnable duringAdoption;
    private int replaysUntilAdoption = -1;
    boolean loseNextAnswer;
    @Nullable OwnershipLostException refuseNextAs;

    SnapshotThenAct(TransactionLog delegate) {
      super(delegate);
    }

    void duringNextAdoptionRead(Runnable action) {
      duringAdoption = action;
      replaysUntilAdoption = 2;
    }

    @Override
    public void append(List<LogRecord> records, boolean force) {
      OwnershipLostException refusal = refuseNextAs;
      if (refusal != null) {
        refuseNextAs = null;
        throw refusal;
      }
      super.append(records, force);
      if (loseNextAnswer) {
        loseNextAnswer = false;
        throw new TransactionLogException("stored, but the answer was lost", null);
      }
    }

    @Override
    public void replay(Consumer<LogRecord> sink) {
      Runnable action = duringAdoption;
      if (action == null || --replaysUntilAdoption > 0) {
        super.replay(sink);
        return;
      }
      duringAdoption = null;
      List<LogRecord> snapshot = new ArrayList<>();
      super.replay(snapshot::add);
      action.run();
      snapshot.forEach(sink);
    }
  }
}
