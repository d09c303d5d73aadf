package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The truthful-outcome and bounded-calls invariants on hand-made cases. */
class TruthAndBoundsTest {
  static final TransactionId TX = TransactionId.of("tx-1");
  static final BranchId A = BranchId.of("a");
  static final BranchId B = BranchId.of("b");

  @Test
  void committedNeedsEveryBranchAppliedForward() {
    AppliedLedger applied = new AppliedLedger();
    applied.forward(TX, A);
    Outcome committed = new Outcome.Committed(TX, Map.of(A, BranchState.COMMITTED, B, BranchState.COMMITTED));
    assertThatThrownBy(() -> Invariants.truthfulOutcome(committed, applied))
        .hasMessageContaining("truthful outcome: reported Committed but branch b")
        .hasMessageContaining("applied NOTHING");
    applied.forward(TX, B);
    assertThatCode(() -> Invariants.truthfulOutcome(committed, applied)).doesNotThrowAnyException();
  }

  @Test
  void rolledBackAllowsUndoneButNotApplied() {
    AppliedLedger applied = new AppliedLedger();
    applied.forward(TX, A);
    applied.undone(TX, A);
    Outcome rolledBack = new Outcome.RolledBack(TX, Map.of(A, BranchState.ROLLED_BACK, B, BranchState.ROLLED_BACK), "no");
    assertThatCode(() -> Invariants.truthfulOutcome(rolledBack, applied)).doesNotThrowAnyException();
    applied.forward(TX, B);
    assertThatThrownBy(() -> Invariants.truthfulOutcome(rolledBack, applied))
        .hasMessageContaining("reported RolledBack but branch b");
  }

  @Test
  void mixedMustNameWhatEachBranchDid() {
    AppliedLedger applied = new AppliedLedger();
    applied.forward(TX, A);
    Outcome truthful = new Outcome.Mixed(TX, Map.of(A, BranchState.COMMITTED, B, BranchState.ROLLED_BACK), Decision.COMMIT);
    assertThatCode(() -> Invariants.truthfulOutcome(truthful, applied)).doesNotThrowAnyException();
    Outcome lying = new Outcome.Mixed(TX, Map.of(A, BranchState.ROLLED_BACK, B, BranchState.COMMITTED), Decision.COMMIT);
    assertThatThrownBy(() -> Invariants.truthfulOutcome(lying, applied)).hasMessageContaining("truthful outcome");
    Outcome hazard = new Outcome.Mixed(TX, Map.of(A, BranchState.HEURISTIC_HAZARD, B, BranchState.ROLLED_BACK), Decision.COMMIT);
    assertThatCode(() -> Invariants.truthfulOutcome(hazard, applied)).doesNotThrowAnyException();
  }

  @Test
  void inDoubtClaimsNothingAboutUnfinishedBranches() {
    AppliedLedger applied = new AppliedLedger();
    applied.forward(TX, A);
    Outcome inDoubt = new Outcome.InDoubt(TX, Map.of(A, BranchState.IN_DOUBT, B, BranchState.IN_DOUBT), Decision.ROLLBACK, null);
    assertThatCode(() -> Invariants.truthfulOutcome(inDoubt, applied)).doesNotThrowAnyException();
  }

  @Test
  void aBranchAppliedTwiceIsARerun() {
    AppliedLedger applied = new AppliedLedger();
    applied.forward(TX, A);
    applied.forward(TX, A);
    assertThatThrownBy(() -> Invariants.noRerun(applied)).hasMessageContaining("no re-run").hasMessageContaining("tx-1/a");
  }

  @Test
  void theBoundAddsPhaseOneEveryAttemptAndThePauses() {
    CallBudget budget =
        new CallBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), 3, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100));
    // 2 × 1.1 s + 2 × 3 × 2.1 s + 2 × 6 s
    assertThat(budget.bound(2)).isEqualTo(Duration.ofMillis(2_200 + 12_600 + 12_000));
    assertThatCode(() -> Invariants.boundedCall(TX, Duration.ofMillis(26_800), budget.bound(2))).doesNotThrowAnyException();
    assertThatThrownBy(() -> Invariants.boundedCall(TX, Duration.ofMillis(26_801), budget.bound(2)))
        .hasMessageContaining("bounded calls");
  }
}
