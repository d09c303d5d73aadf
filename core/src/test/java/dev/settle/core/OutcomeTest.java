package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {
  private final TransactionId tx = TransactionId.of("tx1");

  @Test
  void cleanOutcomesPassOrThrow() {
    Outcome committed = new Outcome.Committed(tx, Map.of(BranchId.of("a"), BranchState.COMMITTED));
    Outcome rolledBack = new Outcome.RolledBack(tx, Map.of(), "vote no");
    assertThat(committed.orThrow()).isSameAs(committed);
    assertThat(rolledBack.isClean()).isTrue();
  }

  @Test
  void inDoubtThrowsWithTheTransactionIdAndLastFailure() {
    IOException down = new IOException("shard down");
    Outcome inDoubt =
        new Outcome.InDoubt(
            tx, Map.of(BranchId.of("b"), BranchState.IN_DOUBT), Decision.COMMIT, down);
    assertThat(inDoubt.isClean()).isFalse();
    assertThatThrownBy(inDoubt::orThrow)
        .isInstanceOfSatisfying(
            HeuristicOutcomeException.class,
            e -> {
              assertThat(e.transactionId()).isEqualTo(tx);
              assertThat(e.outcome()).isSameAs(inDoubt);
            })
        .hasMessageContaining("[tx1]")
        .hasMessageContaining("InDoubt")
        .hasCause(down);
  }

  @Test
  void mixedIsNotClean() {
    Outcome mixed =
        new Outcome.Mixed(
            tx,
            Map.of(BranchId.of("a"), BranchState.COMMITTED, BranchId.of("b"), BranchState.ROLLED_BACK),
            Decision.COMMIT);
    assertThatThrownBy(mixed::orThrow).isInstanceOf(HeuristicOutcomeException.class);
  }

  @Test
  void branchesAreCopiedSortedAndUnmodifiable() {
    Map<BranchId, BranchState> branches = new HashMap<>();
    branches.put(BranchId.of("z"), BranchState.COMMITTED);
    branches.put(BranchId.of("a"), BranchState.COMMITTED);
    Outcome outcome = new Outcome.Committed(tx, branches);
    branches.clear();
    assertThat(outcome.branches().keySet()).containsExactly(BranchId.of("a"), BranchId.of("z"));
    assertThatThrownBy(() -> outcome.branches().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsMissingFields() {
    assertThatThrownBy(() -> new Outcome.RolledBack(tx, Map.of(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reason must not be null");
    assertThatThrownBy(() -> new Outcome.Committed(null, Map.of()))
        .hasMessage("transactionId must not be null");
  }

  @Test
  void branchStatesKnowWhichAreFinal() {
    assertThat(BranchState.COMMITTED.isFinal()).isTrue();
    assertThat(BranchState.READ_ONLY.isFinal()).isTrue();
    assertThat(BranchState.PREPARED.isFinal()).isFalse();
    assertThat(BranchState.IN_DOUBT.isFinal()).isFalse();
  }
}
