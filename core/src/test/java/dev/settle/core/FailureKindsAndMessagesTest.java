package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What a caller reads from an outcome and from the exceptions the library throws: the kind of
 * failure that made a transaction not commit (dashboards count by it), and messages that name the
 * transaction, branch, node or offset they are about.
 */
class FailureKindsAndMessagesTest {
  private static final TransactionId TX = TransactionId.of("tx-1");
  private static final BranchId DEBIT = BranchId.of("debit");
  private static final Map<BranchId, BranchState> BRANCHES = Map.of(DEBIT, BranchState.ROLLED_BACK);

  @Test
  void aCommitHasNoFailureKind() {
    assertThat(new Outcome.Committed(TX, Map.of(DEBIT, BranchState.COMMITTED)).failureKind()).isEmpty();
  }

  @Test
  void aRollbackIsExplainedByWhatTheFailedBranchThrew() {
    assertThat(rolledBack(DEBIT, new BusinessRefusalException("insufficient funds")))
        .contains(FailureKind.BUSINESS_REFUSAL);
    assertThat(rolledBack(DEBIT, new ParticipantTimeoutException(TX, DEBIT, Duration.ofSeconds(2))))
        .contains(FailureKind.TIMEOUT);
    assertThat(rolledBack(DEBIT, new ParticipantException(TX, DEBIT, "connection reset", null)))
        .contains(FailureKind.PARTICIPANT_FAILURE);
    // Not a participant exception at all (2PC work that threw): a participant-side failure.
    assertThat(rolledBack(null, new IllegalStateException("work failed")))
        .contains(FailureKind.PARTICIPANT_FAILURE);
  }

  @Test
  void aRollbackWithoutAnExceptionIsAnAbortVoteOrRecoverysPresumedAbort() {
    assertThat(rolledBack(DEBIT, null)).contains(FailureKind.BUSINESS_REFUSAL);
    assertThat(rolledBack(null, null)).contains(FailureKind.COORDINATOR_CRASH);
  }

  @Test
  void inDoubtIsATimeoutOnlyWhenTheLastFailureWasOne() {
    assertThat(inDoubt(new ParticipantTimeoutException(TX, DEBIT, "no answer"))).contains(FailureKind.TIMEOUT);
    assertThat(inDoubt(new ParticipantException(TX, DEBIT, "refused", null)))
        .contains(FailureKind.PARTICIPANT_FAILURE);
    assertThat(inDoubt(null)).contains(FailureKind.PARTICIPANT_FAILURE);
  }

  @Test
  void mixedIsHeuristic() {
    assertThat(new Outcome.Mixed(TX, BRANCHES, Decision.COMMIT).failureKind()).contains(FailureKind.HEURISTIC);
  }

  @Test
  void aParticipantExceptionNamesItsBranchWhenItKnowsIt() {
    ParticipantException known = new ParticipantException(TX, DEBIT, "refused", null);
    assertThat(known.branchId()).isEqualTo(DEBIT);
    assertThat(known.getMessage()).contains("branch debit: refused");
    ParticipantException unknown = new ParticipantException(TX, null, "refused", null);
    assertThat(unknown.branchId()).isNull();
    assertThat(unknown.getMessage()).doesNotContain("branch").contains("refused");
  }

  @Test
  void aHeuristicBranchEndsInAFinalOrHeuristicStateOnly() {
    for (BranchState applied :
        new BranchState[] {
          BranchState.COMMITTED, BranchState.ROLLED_BACK, BranchState.HEURISTIC_MIXED, BranchState.HEURISTIC_HAZARD
        }) {
      HeuristicBranchException e = new HeuristicBranchException(TX, DEBIT, applied, "resource decided", null);
      assertThat(e.applied()).isEqualTo(applied);
      assertThat(e.kind()).isEqualTo(FailureKind.HEURISTIC);
    }
    for (BranchState wrong : new BranchState[] {BranchState.PREPARED, BranchState.REGISTERED, BranchState.IN_DOUBT}) {
      assertThatThrownBy(() -> new HeuristicBranchException(TX, DEBIT, wrong, "resource decided", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not " + wrong);
    }
  }

  @Test
  void aRefusedWriteSaysWhetherOneTransactionOrTheWholeNodeWasLost() {
    OwnershipLostException one = new OwnershipLostException(TX, "node-a", 7, "node-b took it over");
    assertThat(one.lostTransaction()).isEqualTo(TX);
    assertThat(one.node()).isEqualTo("node-a");
    assertThat(one.epoch()).isEqualTo(7);
    assertThat(one.getMessage())
        .startsWith("[tx-1] log node node-a (epoch 7) no longer owns this transaction: node-b took it over.");

    OwnershipLostException all = new OwnershipLostException(null, "node-a", 8, "a newer instance opened the log");
    assertThat(all.lostTransaction()).isNull();
    assertThat(all.getMessage())
        .startsWith("log node node-a (epoch 8) no longer owns its transactions: a newer instance opened the log.");
    assertThat(one.mayHaveBeenStored()).isFalse();
    assertThat(one.getMessage()).contains("Nothing was written");

    OwnershipLostException unknown = new OwnershipLostException(TX, "node-a", 7, "node-b owns it now", true);
    assertThat(unknown.mayHaveBeenStored()).isTrue();
    assertThat(unknown.getMessage())
        .startsWith("[tx-1] log node node-a (epoch 7) no longer owns this transaction: node-b owns it now.")
        .contains("Whether this write was stored is not known (its commit failed)")
        .doesNotContain("Nothing was written");
  }

  @Test
  void corruptionGivesItsOffsetWhenKnown() {
    CorruptLogException at = new CorruptLogException("bad checksum", 0);
    assertThat(at.offset()).isZero();
    assertThat(at.getMessage()).isEqualTo("bad checksum (at byte offset 0)");
    CorruptLogException unknown = new CorruptLogException("bad checksum", -1);
    assertThat(unknown.offset()).isEqualTo(-1);
    assertThat(unknown.getMessage()).isEqualTo("bad checksum");
  }

  @Test
  void aReusedIdSaysWhetherItsTransactionEnded() {
    DuplicateTransactionIdException ended = new DuplicateTransactionIdException(TX, true);
    assertThat(ended.ended()).isTrue();
    assertThat(ended.getMessage()).contains("tx-1").contains("that transaction ended");
    DuplicateTransactionIdException running = new DuplicateTransactionIdException(TX, false);
    assertThat(running.ended()).isFalse();
    assertThat(running.getMessage()).contains("still running or unfinished");
  }

  private static Optional<FailureKind> rolledBack(@Nullable BranchId failed, @Nullable Throwable cause) {
    return new Outcome.RolledBack(TX, BRANCHES, "why", failed, cause).failureKind();
  }

  private static Optional<FailureKind> inDoubt(@Nullable Throwable lastFailure) {
    return new Outcome.InDoubt(TX, Map.of(DEBIT, BranchState.IN_DOUBT), Decision.COMMIT, lastFailure).failureKind();
  }
}
