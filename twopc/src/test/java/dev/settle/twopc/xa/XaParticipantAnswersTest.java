package dev.settle.twopc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.Outcome;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/**
 * How {@link XaParticipant} reads each answer of its resource, call by call: what it tells the
 * coordinator a prepare, a commit, a rollback or the end of the work meant.
 */
class XaParticipantAnswersTest {
  private final ScriptedXaResource resource = new ScriptedXaResource();
  private final XaParticipant participant = new XaParticipant("bank", resource);
  private final TwoPhaseContext ctx = new TwoPhaseContext(TransactionId.of("t1"), BranchId.of("b"), 1);
  private final TwoPhaseContext other = new TwoPhaseContext(TransactionId.of("t2"), BranchId.of("b"), 1);

  @Test
  void theEndOfTheWorkTellsTheResourceWhetherItSucceeded() {
    participant.begin(ctx);
    participant.end(ctx, true);
    participant.begin(other);
    participant.end(other, false);

    assertThat(resource.calls).filteredOn(c -> c.startsWith("end")).hasSize(2);
    assertThat(resource.calls).filteredOn(c -> c.startsWith("end fail")).singleElement().asString().contains("t2");
  }

  @Test
  void aPrepareThatChangedNothingIsAReadOnlyVoteAndGetsNoCommit() {
    resource.readOnly = true;
    TwoPhaseCoordinator coordinator =
        TwoPhaseCoordinator.builder().log(new InMemoryTransactionLog()).participant(participant).build();
    Outcome outcome =
        coordinator.execute(
            TwoPhaseTransaction.builder()
                .enlist("b", participant)
                .enlist("c", new XaParticipant("other", new ScriptedXaResource()))
                .build());

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches()).containsEntry(BranchId.of("b"), BranchState.READ_ONLY);
    assertThat(resource.count("commit")).isZero();
    assertThat(participant.prepare(ctx)).isEqualTo(Vote.READ_ONLY);
  }

  @Test
  void aPrepareTheResourceRolledBackIsAnAbortVoteAndAnyOtherErrorAFailure() {
    resource.prepareAnswers(XAException.XA_RBROLLBACK, XAException.XAER_RMERR);
    assertThat(participant.prepare(ctx)).isEqualTo(Vote.ABORT);
    assertThatThrownBy(() -> participant.prepare(ctx))
        .isInstanceOf(ParticipantException.class)
        .isNotInstanceOf(ParticipantTimeoutException.class);
    assertThat(participant.prepare(ctx)).isEqualTo(Vote.PREPARED);
  }

  @Test
  void aOnePhaseCommitTheResourceRolledBackIsAPlainFailureButInTwoPhasesItIsAHeuristic() {
    // One phase: the resource decided, and it decided to roll back. Two phases: it went against
    // the coordinator's logged commit.
    resource.commitAnswers(XAException.XA_RBROLLBACK, XAException.XA_RBROLLBACK);
    assertThatThrownBy(() -> participant.commit(ctx, true))
        .isInstanceOf(ParticipantException.class)
        .isNotInstanceOf(HeuristicBranchException.class)
        .hasMessageContaining("one-phase commit rolled back");
    assertThatThrownBy(() -> participant.commit(other, false))
        .isInstanceOfSatisfying(
            HeuristicBranchException.class, h -> assertThat(h.applied()).isEqualTo(BranchState.ROLLED_BACK));
  }

  @Test
  void aOnePhaseCommitWhoseResourceFailedMidCallHasAnUnknownOutcome() {
    resource.commitAnswers(XAException.XAER_NOTA);
    assertThatThrownBy(() -> participant.commit(ctx, true))
        .isInstanceOf(ParticipantTimeoutException.class)
        .hasMessageContaining("one-phase commit")
        .hasMessageContaining("outcome unknown");
  }

  @Test
  void aRollbackIsSentOnlyToABranchStartedHereOrStillPreparedAtTheResource() {
    participant.rollback(ctx); // never started here, not prepared there: presumed abort's no-op
    assertThat(resource.count("rollback")).isZero();

    resource.prepared.add(SettleXid.of(other.transactionId(), other.branchId()));
    participant.rollback(other); // prepared before a crash: the resource still holds it
    assertThat(resource.count("rollback")).isEqualTo(1);
    assertThat(resource.prepared).isEmpty();
  }

  @Test
  void aRollbackAnsweredHeuristicRollbackIsDoneAndForgotten() {
    participant.begin(ctx);
    resource.rollbackAnswers(XAException.XA_HEURRB);
    participant.rollback(ctx);
    assertThat(resource.count("forget")).isEqualTo(1);
  }
}
