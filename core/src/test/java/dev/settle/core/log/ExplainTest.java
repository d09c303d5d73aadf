package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Explain tells a transaction's story from the records any log holds. */
class ExplainTest {
  private static final TransactionId TX = new TransactionId("tx-1");
  private static final BranchId DEBIT = new BranchId("debit");
  private static final BranchId CREDIT = new BranchId("credit");

  private static InMemoryTransactionLog logWith(LogRecord... records) {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    log.append(List.of(records), true);
    return log;
  }

  private static List<LogRecord> opening() {
    return List.of(
        new LogRecord.Begin(TX, "tcc", 1_000, 2_000, "node-1"),
        new LogRecord.BranchRegistered(TX, DEBIT, "shard-1", new byte[0]),
        new LogRecord.BranchRegistered(TX, CREDIT, "shard-2", new byte[0]));
  }

  @Test
  void aRollbackIsExplainedByItsReasonAndTheBranchThatCausedIt() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    log.append(opening(), true);
    log.append(new LogRecord.Decided(TX, Decision.ROLLBACK, "branch debit: insufficient funds", DEBIT), true);
    log.append(List.of(
        new LogRecord.BranchUpdated(TX, DEBIT, BranchState.ROLLED_BACK),
        new LogRecord.BranchUpdated(TX, CREDIT, BranchState.ROLLED_BACK),
        new LogRecord.End(TX)), false);

    Explanation e = Explain.of(log, TX).orElseThrow();
    assertThat(e.outcome()).isEqualTo("rolled-back");
    assertThat(e.protocol()).isEqualTo("tcc");
    assertThat(e.node()).isEqualTo("node-1");
    assertThat(e.reason()).isEqualTo("branch debit: insufficient funds");
    assertThat(e.failedBranch()).isEqualTo(DEBIT);
    assertThat(e.branches()).extracting(Explanation.Branch::participant).containsExactly("shard-1", "shard-2");
    assertThat(e.branches().get(0).failure()).contains("insufficient funds");
    assertThat(e.branches().get(1).failure()).isNull();
    assertThat(e.records()).isEqualTo(7);
  }

  @Test
  void timedRecordsTellWhenEachStepHappenedAndWhoFinished() {
    TransactionId tx = new TransactionId("timed");
    BranchId b = new BranchId("b");
    List<LogRecord> records =
        List.of(
            new LogRecord.Begin(tx, "tcc", 1_000, 9_000, "node-1"),
            new LogRecord.BranchRegistered(tx, b, "p", new byte[0]),
            new LogRecord.BranchUpdated(tx, b, BranchState.PREPARED, new byte[0], 1_010),
            new LogRecord.Decided(tx, Decision.COMMIT, "", null, 1_020),
            new LogRecord.BranchUpdated(tx, b, BranchState.COMMITTED, new byte[0], 1_050),
            new LogRecord.End(tx, "node-2", 1_060));

    Explanation e = Explain.of(records).orElseThrow();

    assertThat(e.outcome()).isEqualTo("committed");
    assertThat(e.decidedMillis()).isEqualTo(1_020);
    assertThat(e.endedMillis()).isEqualTo(1_060);
    assertThat(e.durationMillis()).isEqualTo(60);
    assertThat(e.finishedBy()).isEqualTo("node-2");
    assertThat(e.branches()).singleElement().satisfies(branch -> assertThat(branch.history())
        .containsExactly(
            new Explanation.Update(BranchState.PREPARED, 1_010),
            new Explanation.Update(BranchState.COMMITTED, 1_050)));
  }

  @Test
  void recordsWrittenBeforeTimesWereLoggedExplainWithoutThem() {
    TransactionId tx = new TransactionId("untimed");
    Explanation e =
        Explain.of(List.of(
                new LogRecord.Begin(tx, "tcc", 1_000, 9_000),
                new LogRecord.Decided(tx, Decision.ROLLBACK),
                new LogRecord.End(tx)))
            .orElseThrow();
    assertThat(e.outcome()).isEqualTo("rolled-back");
    assertThat(e.decidedMillis()).isEqualTo(-1);
    assertThat(e.durationMillis()).isEqualTo(-1);
    assertThat(e.finishedBy()).isEmpty();
    assertThat(Explain.of(List.of(new LogRecord.End(tx)))).as("no Begin, no story").isEmpty();
    assertThatThrownBy(() -> new LogRecord.End(tx, "node-2", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an End naming its node must say when");
  }

  @Test
  void eachStageHasItsOutcome() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    log.append(opening(), true);
    assertThat(Explain.of(log, TX).orElseThrow().outcome()).isEqualTo("undecided");
    log.append(new LogRecord.Decided(TX, Decision.COMMIT), true);
    assertThat(Explain.of(log, TX).orElseThrow().outcome()).isEqualTo("in-doubt");
    log.append(List.of(
        new LogRecord.BranchUpdated(TX, DEBIT, BranchState.COMMITTED),
        new LogRecord.BranchUpdated(TX, CREDIT, BranchState.ROLLED_BACK),
        new LogRecord.End(TX)), false);
    assertThat(Explain.of(log, TX).orElseThrow().outcome()).isEqualTo("heuristic");
  }

  @Test
  void aOnePhaseCommitEndsWithoutADecisionAndItsBranchSaysHow() {
    InMemoryTransactionLog log = logWith(
        new LogRecord.Begin(TX, "2pc", 0, 1),
        new LogRecord.BranchRegistered(TX, DEBIT, "db", new byte[0]),
        new LogRecord.BranchUpdated(TX, DEBIT, BranchState.ROLLED_BACK),
        new LogRecord.End(TX));
    assertThat(Explain.of(log, TX).orElseThrow().outcome()).isEqualTo("rolled-back");
    assertThat(Explain.all(log)).hasSize(1);
  }

  /**
   * Ended without a decision (all read-only, or a one-phase commit): the branches say how, and
   * branches that went both ways, or a heuristic one, make it heuristic.
   */
  @Test
  void anEndWithoutADecisionIsHeuristicWhenItsBranchesDisagree() {
    InMemoryTransactionLog both = logWith(
        new LogRecord.Begin(TX, "2pc", 0, 1),
        new LogRecord.BranchRegistered(TX, DEBIT, "db", new byte[0]),
        new LogRecord.BranchRegistered(TX, CREDIT, "db2", new byte[0]),
        new LogRecord.BranchUpdated(TX, DEBIT, BranchState.COMMITTED),
        new LogRecord.BranchUpdated(TX, CREDIT, BranchState.ROLLED_BACK),
        new LogRecord.End(TX));
    assertThat(Explain.of(both, TX).orElseThrow().outcome()).isEqualTo("heuristic");
    InMemoryTransactionLog hazard = logWith(
        new LogRecord.Begin(TX, "2pc", 0, 1),
        new LogRecord.BranchRegistered(TX, DEBIT, "db", new byte[0]),
        new LogRecord.BranchUpdated(TX, DEBIT, BranchState.HEURISTIC_HAZARD),
        new LogRecord.End(TX));
    assertThat(Explain.of(hazard, TX).orElseThrow().outcome()).isEqualTo("heuristic");
    InMemoryTransactionLog committed = logWith(
        new LogRecord.Begin(TX, "2pc", 0, 1),
        new LogRecord.BranchRegistered(TX, DEBIT, "db", new byte[0]),
        new LogRecord.BranchUpdated(TX, DEBIT, BranchState.COMMITTED),
        new LogRecord.End(TX));
    assertThat(Explain.of(committed, TX).orElseThrow().outcome()).isEqualTo("committed");
  }

  /**
   * A decision logged twice (recovery repeating one whose write it could not confirm) is told
   * once: the first, unless only the repeat says why.
   */
  @Test
  void aRepeatedDecisionAddsItsReasonOnlyWhenTheFirstHadNone() {
    InMemoryTransactionLog first = logWith(
        new LogRecord.Begin(TX, "tcc", 0, 1),
        new LogRecord.Decided(TX, Decision.ROLLBACK),
        new LogRecord.Decided(TX, Decision.ROLLBACK, "presumed abort", null));
    assertThat(Explain.of(first, TX).orElseThrow().reason()).isEqualTo("presumed abort");
    InMemoryTransactionLog second = logWith(
        new LogRecord.Begin(TX, "tcc", 0, 1),
        new LogRecord.Decided(TX, Decision.ROLLBACK, "branch debit: refused", DEBIT),
        new LogRecord.Decided(TX, Decision.ROLLBACK, "presumed abort", null));
    Explanation e = Explain.of(second, TX).orElseThrow();
    assertThat(e.reason()).isEqualTo("branch debit: refused");
    assertThat(e.failedBranch()).isEqualTo(DEBIT);
  }

  @Test
  void anUnknownTransactionIsEmptyAndNullsAreRefused() {
    assertThat(Explain.of(new InMemoryTransactionLog(), TX)).isEmpty();
    assertThatThrownBy(() -> Explain.of(null, TX)).hasMessageContaining("log");
    assertThatThrownBy(() -> Explain.of(new InMemoryTransactionLog(), null)).hasMessageContaining("tx");
  }
}
