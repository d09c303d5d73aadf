package dev.settle.twopc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.ParticipantException;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseTransaction;
import java.time.Duration;
import java.util.List;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for outcomes that lied about XA answers (issue 13, defects 1 to 4): every
 * heuristic and error code is read as the XA specification says, and what the coordinator
 * reports matches what the resources applied.
 */
class XaTruthfulOutcomeTest {
  /** A log that writes what it is asked into the resource's call list, to check the order. */
  private static final class RecordingLog extends ForwardingTransactionLog {
    private final List<String> calls;

    RecordingLog(List<String> calls) {
      super(new InMemoryTransactionLog());
      this.calls = calls;
    }

    @Override
    public void append(List<LogRecord> records, boolean force) {
      for (LogRecord record : records) {
        if (record instanceof LogRecord.BranchUpdated u) {
          calls.add("log " + u.state() + (force ? " forced" : ""));
        }
      }
      super.append(records, force);
    }
  }

  private final ScriptedXaResource bank1 = new ScriptedXaResource();
  private final ScriptedXaResource bank2 = new ScriptedXaResource();

  private TwoPhaseCoordinator coordinator(TransactionLog log) {
    return TwoPhaseCoordinator.builder()
        .log(log)
        .phaseTwoRetry(RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build())
        .participant(new XaParticipant("bank1", bank1))
        .participant(new XaParticipant("bank2", bank2))
        .build();
  }

  private static Outcome transfer(TwoPhaseCoordinator coordinator, ScriptedXaResource... banks) {
    TwoPhaseTransaction.Builder tx = TwoPhaseTransaction.builder();
    for (int i = 0; i < banks.length; i++) {
      tx.enlist("bank" + (i + 1), new XaParticipant("bank" + (i + 1), banks[i]));
    }
    return coordinator.execute(tx.work(id -> {}).build());
  }

  @Test
  void commitAnsweredHeuristicRollbackIsMixedLoggedBeforeForgetAndNeverResent() {
    bank2.commitAnswers(XAException.XA_HEURRB);
    TwoPhaseCoordinator coordinator = coordinator(new RecordingLog(bank2.calls));

    Outcome outcome = transfer(coordinator, bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
    assertThat(((Outcome.Mixed) outcome).decision()).isEqualTo(Decision.COMMIT);
    assertThat(outcome.branches())
        .containsEntry(BranchId.of("bank1"), BranchState.COMMITTED)
        .containsEntry(BranchId.of("bank2"), BranchState.ROLLED_BACK);
    List<String> calls = bank2.calls;
    int logged = calls.indexOf("log ROLLED_BACK forced");
    int forgot = indexOfPrefix(calls, "forget");
    assertThat(logged).as("heuristic logged durably: %s", calls).isNotNegative();
    assertThat(forgot).as("forget called after the log: %s", calls).isGreaterThan(logged);
    assertThat(bank2.count("commit ")).isEqualTo(1);
    assertThat(coordinator.recover()).isEmpty(); // ended: nothing re-sent
    assertThat(bank2.count("commit ")).isEqualTo(1);
  }

  @Test
  void heuristicMixedAndHazardOnCommitAreReportedAsSuch() {
    bank1.commitAnswers(XAException.XA_HEURMIX);
    bank2.commitAnswers(XAException.XA_HEURHAZ);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
    assertThat(outcome.branches())
        .containsEntry(BranchId.of("bank1"), BranchState.HEURISTIC_MIXED)
        .containsEntry(BranchId.of("bank2"), BranchState.HEURISTIC_HAZARD);
    assertThat(bank1.count("forget")).isEqualTo(1);
    assertThat(bank2.count("forget")).isEqualTo(1);
    assertThatThrownBy(outcome::orThrow).hasMessageContaining("HEURISTIC_HAZARD");
  }

  @Test
  void rollbackAnsweredHeuristicCommitIsMixed() {
    bank1.prepareAnswers(XAException.XA_RBROLLBACK); // abort vote: the decision is rollback
    bank2.rollbackAnswers(XAException.XA_HEURCOM);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
    assertThat(((Outcome.Mixed) outcome).decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(outcome.branches()).containsEntry(BranchId.of("bank2"), BranchState.COMMITTED);
    assertThat(bank2.count("forget")).isEqualTo(1);
  }

  @Test
  void heuristicsThatMatchTheDecisionAreCleanAndForgotten() {
    bank1.commitAnswers(XAException.XA_HEURCOM);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(bank1.count("forget")).isEqualTo(1);
  }

  @Test
  void commitAnsweredResourceErrorRolledTheBranchBackSoTheOutcomeIsMixedNotCommitted() {
    bank2.commitAnswers(XAException.XAER_RMERR);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
    assertThat(outcome.branches()).containsEntry(BranchId.of("bank2"), BranchState.ROLLED_BACK);
  }

  @Test
  void aBranchNoLongerListedIsNotTakenAsCommittedAfterAnUnknownError() {
    // Before: any failed commit of a branch the resource no longer listed counted as done.
    bank2.commitAnswers(XAException.XAER_PROTO, XAException.XAER_PROTO, XAException.XAER_PROTO);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(outcome.branches()).containsEntry(BranchId.of("bank2"), BranchState.IN_DOUBT);
  }

  @Test
  void resourceFailureOnCommitIsRetriedUntilItCommits() {
    bank2.commitAnswers(XAException.XAER_RMFAIL);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, bank2);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(bank2.count("commit ")).isEqualTo(2);
  }

  @Test
  void h2sCodeZeroForAMissingBranchCountsAsFinishedOnlyWhenTheBranchIsGone() {
    // The named quirk: the first commit was applied but its answer was code 0; the branch is gone.
    bank2.commitAnswers(XAException.XAER_RMFAIL);
    ScriptedXaResource h2 =
        new ScriptedXaResource() {
          @Override
          public synchronized void commit(javax.transaction.xa.Xid xid, boolean onePhase)
              throws XAException {
            calls.add("commit " + xid);
            prepared.remove(xid);
            throw new XAException(0);
          }
        };

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1, h2);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
  }

  @Test
  void aSingleXaBranchIsPreparedSoALostCommitAnswerStaysResolvable() {
    // XA cannot say what became of a one-phase commit (only prepared branches are listed), so a
    // lone XA branch gets two phases: a lost answer is retried instead of guessed.
    bank1.commitAnswers(XAException.XAER_RMFAIL);

    Outcome outcome = transfer(coordinator(new InMemoryTransactionLog()), bank1);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(bank1.count("prepare")).isEqualTo(1);
    assertThat(bank1.count("commit1p")).isZero();
    assertThat(bank1.count("rollback")).isZero();
  }

  @Test
  void xaOnePhaseAnswersAreClassified() {
    XaParticipant participant = new XaParticipant("bank1", bank1);
    dev.settle.twopc.spi.TwoPhaseContext ctx =
        new dev.settle.twopc.spi.TwoPhaseContext(TransactionId.of("tx-1"), BranchId.of("b"), 1);
    bank1.commitAnswers(
        XAException.XAER_RMFAIL, XAException.XA_HEURHAZ, XAException.XA_RBDEADLOCK, XAException.XAER_NOTA);

    assertThatThrownBy(() -> participant.commit(ctx, true))
        .isInstanceOf(dev.settle.core.ParticipantTimeoutException.class)
        .hasMessageContaining("XAER_RMFAIL");
    assertThatThrownBy(() -> participant.commit(ctx, true))
        .isInstanceOfSatisfying(
            dev.settle.core.HeuristicBranchException.class,
            e -> assertThat(e.applied()).isEqualTo(BranchState.HEURISTIC_HAZARD));
    assertThatThrownBy(() -> participant.commit(ctx, true))
        .isInstanceOf(ParticipantException.class)
        .isNotInstanceOf(dev.settle.core.ParticipantTimeoutException.class)
        .hasMessageContaining("rolled back");
    assertThatThrownBy(() -> participant.commit(ctx, true))
        .isInstanceOf(dev.settle.core.ParticipantTimeoutException.class);
  }

  @Test
  void recoveryScanLeavesAnotherCoordinatorsBranchesAndRunningTransactionsAlone() throws Exception {
    TwoPhaseCoordinator mine =
        TwoPhaseCoordinator.builder().nodeName("node-a").log(new InMemoryTransactionLog()).build();
    SettleXid other = SettleXid.of("node-b", TransactionId.of("tx-1"), BranchId.of("bank1"));
    SettleXid legacy = SettleXid.parse(xidWithGlobal("tx-2")).orElseThrow();
    SettleXid orphan = SettleXid.of("node-a", TransactionId.of("tx-3"), BranchId.of("bank1"));
    bank1.prepared.add(other);
    bank1.prepared.add(legacy);
    bank1.prepared.add(orphan);

    XaRecovery.Report report = XaRecovery.resolve(bank1, mine);

    assertThat(report.skipped()).containsExactlyInAnyOrder(other, legacy);
    assertThat(report.rolledBack()).containsExactly(orphan);
    assertThat(bank1.prepared).containsExactlyInAnyOrder(other, legacy);
  }

  @Test
  void recoveryScanAbstainsWhileTheTransactionIsStillPreparing() {
    TwoPhaseCoordinator coordinator = coordinator(new InMemoryTransactionLog());
    XaRecovery.Report[] duringPrepare = new XaRecovery.Report[1];
    ScriptedXaResource scanning =
        new ScriptedXaResource() {
          @Override
          public synchronized int prepare(javax.transaction.xa.Xid xid) {
            prepared.add(xid);
            // Another thread's periodic scan runs while this transaction has no decision yet.
            duringPrepare[0] = XaRecovery.resolve(this, coordinator);
            return XA_OK;
          }
        };

    Outcome outcome = transfer(coordinator, bank1, scanning);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(duringPrepare[0].rolledBack()).isEmpty();
    assertThat(duringPrepare[0].skipped()).hasSize(1);
    assertThat(scanning.count("rollback")).isZero();
  }

  @Test
  void aFailingScanIsAParticipantFailureNotALogFailure() {
    bank1.scanFails = true;
    TwoPhaseCoordinator coordinator = coordinator(new InMemoryTransactionLog());

    assertThatThrownBy(() -> XaRecovery.resolve(bank1, coordinator))
        .isInstanceOf(ParticipantException.class)
        .hasMessageContaining("XAER_RMFAIL");
  }

  @Test
  void aNodeNameAndIdTooLongForXaAreRefusedWithTheReason() {
    assertThatThrownBy(
            () -> SettleXid.of("node-name-sixteen", TransactionId.of("x".repeat(60)), BranchId.of("b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 bytes");
  }

  private static javax.transaction.xa.Xid xidWithGlobal(String global) {
    return new javax.transaction.xa.Xid() {
      @Override
      public int getFormatId() {
        return SettleXid.FORMAT_ID;
      }

      @Override
      public byte[] getGlobalTransactionId() {
        return global.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }

      @Override
      public byte[] getBranchQualifier() {
        return "bank1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }
    };
  }

  private static int indexOfPrefix(List<String> calls, String prefix) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
