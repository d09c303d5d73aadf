package dev.settle.twopc;

import static dev.settle.core.event.EventType.BRANCH_COMMITTED;
import static dev.settle.core.event.EventType.BRANCH_IN_DOUBT;
import static dev.settle.core.event.EventType.BRANCH_PREPARED;
import static dev.settle.core.event.EventType.BRANCH_PREPARING;
import static dev.settle.core.event.EventType.BRANCH_READ_ONLY;
import static dev.settle.core.event.EventType.BRANCH_REGISTERED;
import static dev.settle.core.event.EventType.BRANCH_ROLLED_BACK;
import static dev.settle.core.event.EventType.DECIDED_COMMIT;
import static dev.settle.core.event.EventType.DECIDED_ROLLBACK;
import static dev.settle.core.event.EventType.TRANSACTION_BEGUN;
import static dev.settle.core.event.EventType.TRANSACTION_COMMITTED;
import static dev.settle.core.event.EventType.TRANSACTION_HEURISTIC;
import static dev.settle.core.event.EventType.TRANSACTION_ROLLED_BACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.LogClaimedException;
import dev.settle.core.ManualClock;
import dev.settle.core.Outcome;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a 2PC transaction leaves behind on each path: the events a listener sees (every state
 * change, in order) and the records in the log (what recovery will read), and that a finished
 * transaction is left for no recovery pass to drive again.
 */
class TwoPhaseEventsAndRecordsTest {
  private final Node a = new Node("a");
  private final Node b = new Node("b");
  private final List<TransactionEvent> events = new ArrayList<>();
  private final InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);

  private TwoPhaseCoordinatorBuilder builder() {
    return TwoPhaseCoordinator.builder()
        .log(log)
        .clock(clock)
        .executor(Runnable::run)
        .scheduler(d -> {})
        .random(new Random(5))
        .prepareTimeout(Duration.ofSeconds(7))
        .participant(a)
        .participant(b)
        .listener(events::add);
  }

  /** The only participant of a transaction, able to say what became of a commit: one phase. */
  private static class Solo extends Node {
    Solo() {
      super("solo");
    }

    @Override
    public boolean answersInquiry() {
      return true;
    }
  }

  /**
   * A one-phase participant whose commit's answer is lost (a timeout: outcome unknown), and that
   * answers the inquiry which follows with {@code inquiry} (which may throw).
   */
  private static Solo commitAnswerLost(java.util.function.Supplier<BranchState> inquiry) {
    return new Solo() {
      @Override
      public synchronized void commit(TwoPhaseContext ctx, boolean onePhase) {
        throw new ParticipantTimeoutException(ctx.transactionId(), ctx.branchId(), "answer lost");
      }

      @Override
      public BranchState inquire(TwoPhaseContext ctx) {
        return inquiry.get();
      }
    };
  }

  private TwoPhaseTransaction both() {
    return TwoPhaseTransaction.builder().enlist("a", a).enlist("b", b).build();
  }

  private List<EventType> types() {
    return events.stream().map(TransactionEvent::type).toList();
  }

  /** Each record as its kind, and a branch update with its state: "Begin", "a:PREPARED", ... */
  private List<String> records() {
    List<String> out = new ArrayList<>();
    for (LogRecord r : log.records()) {
      if (r instanceof LogRecord.BranchUpdated u) {
        out.add(u.branchId() + ":" + u.state());
      } else if (r instanceof LogRecord.Decided d) {
        out.add("Decided " + d.decision());
      } else {
        out.add(r.getClass().getSimpleName());
      }
    }
    return out;
  }

  @Test
  void aCommitShowsEveryStepAsAnEventAndLogsItsDecisionBeforePhaseTwo() {
    TwoPhaseCoordinator coordinator = builder().build();
    Outcome outcome = coordinator.execute(both());

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(types())
        .containsExactly(
            TRANSACTION_BEGUN, BRANCH_REGISTERED, BRANCH_REGISTERED,
            BRANCH_PREPARING, BRANCH_PREPARING, BRANCH_PREPARED, BRANCH_PREPARED,
            DECIDED_COMMIT, BRANCH_COMMITTED, BRANCH_COMMITTED, TRANSACTION_COMMITTED);
    assertThat(events.get(0).detail()).isEqualTo("2 participants");
    assertThat(records())
        .containsExactly(
            "Begin", "BranchRegistered", "BranchRegistered", "Decided COMMIT", "a:COMMITTED", "b:COMMITTED", "End");
    // The Begin carries the prepare deadline: recovery and late prepares are judged by it.
    LogRecord.Begin begin = (LogRecord.Begin) log.records().get(0);
    assertThat(begin.deadlineMillis()).isEqualTo(begin.startMillis() + 7_000);
    assertThat(coordinator.recover()).isEmpty();
  }

  @Test
  void whenEveryVoterIsReadOnlyNothingIsDecidedAndTheTransactionEnds() {
    a.vote = Vote.READ_ONLY;
    b.vote = Vote.READ_ONLY;
    TwoPhaseCoordinator coordinator = builder().build();
    Outcome outcome = coordinator.execute(both());

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches()).containsOnly(
        java.util.Map.entry(BranchId.of("a"), BranchState.READ_ONLY),
        java.util.Map.entry(BranchId.of("b"), BranchState.READ_ONLY));
    assertThat(types()).containsSubsequence(BRANCH_READ_ONLY, BRANCH_READ_ONLY, TRANSACTION_COMMITTED);
    assertThat(types()).doesNotContain(DECIDED_COMMIT, DECIDED_ROLLBACK);
    assertThat(records()).containsExactly(
        "Begin", "BranchRegistered", "BranchRegistered", "a:READ_ONLY", "b:READ_ONLY", "End");
    assertThat(coordinator.recover()).as("nothing left for recovery").isEmpty();
  }

  @Test
  void failedWorkIsLoggedAsARollbackWithItsReasonAndEnds() {
    TwoPhaseCoordinator coordinator = builder().build();
    Outcome outcome =
        coordinator.execute(
            TwoPhaseTransaction.builder()
                .enlist("a", a)
                .enlist("b", b)
                .work(tx -> { throw new IllegalArgumentException("unknown account Z"); })
                .build());

    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(types()).containsSubsequence(DECIDED_ROLLBACK, BRANCH_ROLLED_BACK, BRANCH_ROLLED_BACK, TRANSACTION_ROLLED_BACK);
    assertThat(types()).doesNotContain(BRANCH_PREPARING);
    LogRecord.Decided decided =
        log.records().stream().filter(LogRecord.Decided.class::isInstance).map(LogRecord.Decided.class::cast).findFirst().orElseThrow();
    assertThat(decided.decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(decided.reason()).contains("unknown account Z");
    assertThat(LogReplay.unfinished(log, TwoPhaseCoordinator.PROTOCOL)).isEmpty();
  }

  @Test
  void eachBranchIsToldWhetherTheWorkSucceeded() {
    List<String> ends = new ArrayList<>();
    Node told =
        new Node("told") {
          @Override
          public void end(TwoPhaseContext ctx, boolean success) {
            ends.add(ctx.branchId() + "=" + success);
          }
        };
    TwoPhaseCoordinator coordinator = builder().participant(told).build();
    coordinator.execute(TwoPhaseTransaction.builder().enlist("t", told).build());
    coordinator.execute(
        TwoPhaseTransaction.builder().enlist("t", told).work(tx -> { throw new IllegalStateException("no"); }).build());

    assertThat(ends).containsExactly("t=true", "t=false");
  }

  @Test
  void aOnePhaseCommitIsLoggedAsStartedBeforeItIsSentAndEndedAfter() {
    List<List<String>> seenAtCommit = new ArrayList<>();
    Node solo =
        new Solo() {
          @Override
          public synchronized void commit(TwoPhaseContext ctx, boolean onePhase) {
            seenAtCommit.add(records());
            super.commit(ctx, onePhase);
          }
        };
    TwoPhaseCoordinator coordinator = builder().participant(solo).build();
    Outcome outcome = coordinator.execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    // After a crash during the call, recovery must know the commit may have gone out, and ask.
    assertThat(seenAtCommit).containsExactly(List.of("Begin", "BranchRegistered", "solo:STARTED"));
    assertThat(records()).containsExactly("Begin", "BranchRegistered", "solo:STARTED", "solo:COMMITTED", "End");
    assertThat(types()).containsSubsequence(BRANCH_PREPARING, BRANCH_COMMITTED, TRANSACTION_COMMITTED);
    assertThat(coordinator.recover()).isEmpty();
  }

  @Test
  void aOnePhaseCommitWhoseOutcomeNobodyCanTellIsInDoubtAndLeftForRecovery() {
    Node solo = commitAnswerLost(() -> BranchState.IN_DOUBT);
    TwoPhaseCoordinator coordinator = builder().participant(solo).build();
    Outcome outcome = coordinator.execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());

    assertThat(outcome).isInstanceOfSatisfying(Outcome.InDoubt.class, d -> assertThat(d.lastFailure()).isNotNull());
    assertThat(types()).containsSubsequence(BRANCH_IN_DOUBT, TRANSACTION_HEURISTIC);
    assertThat(records()).containsExactly("Begin", "BranchRegistered", "solo:STARTED", "solo:IN_DOUBT");
    assertThat(LogReplay.unfinished(log, TwoPhaseCoordinator.PROTOCOL)).containsKey(outcome.transactionId());
  }

  @Test
  void aOnePhaseCommitWhoseOutcomeTheParticipantKnowsReportsWhatItSays() {
    Node solo = commitAnswerLost(() -> BranchState.ROLLED_BACK);
    TwoPhaseCoordinator coordinator = builder().participant(solo).build();
    Outcome outcome = coordinator.execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.failedBranch()).isEqualTo(BranchId.of("solo")));
    assertThat(types()).containsSubsequence(BRANCH_ROLLED_BACK, TRANSACTION_ROLLED_BACK);
    assertThat(records()).containsExactly("Begin", "BranchRegistered", "solo:STARTED", "solo:ROLLED_BACK", "End");
  }

  @Test
  void aReusedTransactionIdIsRefusedBeforeAnythingRuns() {
    TransactionId same = TransactionId.of("same-id");
    TwoPhaseCoordinator coordinator = builder().idGenerator(() -> same).build();
    coordinator.execute(both());
    int prepares = a.prepares;

    assertThatThrownBy(() -> coordinator.execute(both()))
        .isInstanceOf(DuplicateTransactionIdException.class)
        .hasMessageContaining("same-id");
    assertThat(a.prepares).isEqualTo(prepares);
    assertThat(records()).filteredOn("Begin"::equals).hasSize(1);
  }

  @Test
  void aClosedCoordinatorRunsNothingAndLetsAnotherOneUseTheLog() {
    TwoPhaseCoordinator first = builder().build();
    assertThatThrownBy(() -> builder().build()).isInstanceOf(LogClaimedException.class);
    first.close();

    assertThatThrownBy(() -> first.execute(both()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(a.prepares).isZero();
    TwoPhaseCoordinator second = builder().build(); // the claim was given up
    assertThat(second.execute(both())).isInstanceOf(Outcome.Committed.class);
  }

  /** A crash left this one-phase commit started: the log says it may have been sent. */
  private TransactionId crashedDuringOnePhaseCommit(String node) {
    TransactionId tx = TransactionId.of("one-phase-" + node);
    log.append(
        List.of(
            new LogRecord.Begin(tx, TwoPhaseCoordinator.PROTOCOL, 0, 7_000, node),
            new LogRecord.BranchRegistered(tx, BranchId.of("solo"), "solo", new byte[0]),
            new LogRecord.BranchUpdated(tx, BranchId.of("solo"), BranchState.STARTED)),
        true);
    return tx;
  }

  @Test
  void recoveryAsksTheParticipantOfAOnePhaseCommitInsteadOfPresumingAbort() {
    TransactionId tx = crashedDuringOnePhaseCommit("");
    List<String> asked = new ArrayList<>();
    Node solo =
        new Solo() {
          @Override
          public BranchState inquire(TwoPhaseContext ctx) {
            asked.add(ctx.transactionId().value());
            return BranchState.COMMITTED;
          }

          @Override
          public synchronized void rollback(TwoPhaseContext ctx) {
            throw new AssertionError("a one-phase commit that may have committed is never rolled back");
          }
        };
    TwoPhaseCoordinator coordinator = builder().participant(solo).build();

    assertThat(coordinator.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(asked).containsExactly(tx.value());
    assertThat(types()).contains(EventType.TRANSACTION_RECOVERING);
    assertThat(LogReplay.unfinished(log, TwoPhaseCoordinator.PROTOCOL)).isEmpty();
  }

  @Test
  void aOnePhaseCommitWhoseParticipantIsNotRegisteredStaysInDoubt() {
    TransactionId tx = crashedDuringOnePhaseCommit("");
    TwoPhaseCoordinator coordinator = builder().build(); // knows a and b, not solo

    assertThat(coordinator.recover())
        .singleElement()
        .isInstanceOfSatisfying(
            Outcome.InDoubt.class,
            d -> assertThat(String.valueOf(d.lastFailure())).contains("no participant named \"solo\""));
    assertThat(types()).contains(BRANCH_IN_DOUBT);
    assertThat(LogReplay.unfinished(log, TwoPhaseCoordinator.PROTOCOL)).containsKey(tx);
  }

  @Test
  void aTransactionBegunByAnotherNodeIsRecoveredUnderThatNodesName() {
    // The participants know the branch under the name of the node that began it (an XA branch's
    // Xid carries it), so recovery on another node must call them with that name.
    TransactionId tx = TransactionId.of("from-elsewhere");
    log.append(
        List.of(
            new LogRecord.Begin(tx, TwoPhaseCoordinator.PROTOCOL, 0, 7_000, "node-7"),
            new LogRecord.BranchRegistered(tx, BranchId.of("a"), "a", new byte[0])),
        true);
    List<String> names = new ArrayList<>();
    Node told =
        new Node("a") {
          @Override
          public synchronized void rollback(TwoPhaseContext ctx) {
            names.add(ctx.nodeName());
          }
        };
    TwoPhaseCoordinator coordinator =
        TwoPhaseCoordinator.builder()
            .log(log)
            .nodeName("node-1")
            .executor(Runnable::run)
            .scheduler(d -> {})
            .participant(told)
            .build();

    assertThat(coordinator.recover()).singleElement().isInstanceOf(Outcome.RolledBack.class);
    assertThat(names).containsExactly("node-7");
    // A transaction of this node's own is called under its own name.
    TwoPhaseContext[] seen = new TwoPhaseContext[1];
    Node own =
        new Node("own") {
          @Override
          public synchronized Vote prepare(TwoPhaseContext ctx) {
            seen[0] = ctx;
            return super.prepare(ctx);
          }
        };
    coordinator.execute(TwoPhaseTransaction.builder().enlist("x", own).enlist("y", new Node("y")).build());
    assertThat(seen[0].nodeName()).isEqualTo("node-1");
  }

  @Test
  void aOnePhaseCommitAnsweredWithAHeuristicIsLoggedDurablyThenForgottenAndReportedSo() {
    List<String> seenAtForget = new ArrayList<>();
    Node solo =
        new Solo() {
          @Override
          public synchronized void commit(TwoPhaseContext ctx, boolean onePhase) {
            throw new dev.settle.core.HeuristicBranchException(
                ctx.transactionId(), ctx.branchId(), BranchState.HEURISTIC_MIXED, "half of it went through", null);
          }

          @Override
          public void forget(TwoPhaseContext ctx) {
            seenAtForget.addAll(records());
          }
        };
    TwoPhaseCoordinator coordinator = builder().participant(solo).build();
    Outcome outcome = coordinator.execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());

    assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
    assertThat(outcome.branches()).containsEntry(BranchId.of("solo"), BranchState.HEURISTIC_MIXED);
    // Logged before the resource forgets it: afterwards the log is the only one that knows.
    assertThat(seenAtForget).contains("solo:HEURISTIC_MIXED");
    assertThat(types()).contains(EventType.BRANCH_HEURISTIC, TRANSACTION_HEURISTIC);
    assertThat(records()).endsWith("solo:HEURISTIC_MIXED", "End");
  }

  @Test
  void anInquiryThatFailsTooLeavesTheOnePhaseCommitInDoubtWithBothFailuresKept() {
    IllegalStateException inquiryFailure = new IllegalStateException("resource down");
    Node solo = commitAnswerLost(() -> { throw inquiryFailure; });
    Outcome outcome =
        builder().participant(solo).build().execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.InDoubt.class,
        d -> {
          assertThat(d.lastFailure()).isInstanceOf(ParticipantTimeoutException.class);
          assertThat(d.lastFailure().getSuppressed()).containsExactly(inquiryFailure);
        });
  }

  @Test
  void aBranchThatCannotEndItsWorkRollsTheTransactionBackAndIsNamed() {
    Node stuck =
        new Node("stuck") {
          @Override
          public void end(TwoPhaseContext ctx, boolean success) {
            throw new IllegalStateException("cannot detach");
          }
        };
    Outcome outcome =
        builder()
            .participant(stuck)
            .build()
            .execute(TwoPhaseTransaction.builder().enlist("a", a).enlist("s", stuck).build());

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class,
        r -> {
          assertThat(r.reason()).contains("branch s could not end its work").contains("cannot detach");
          assertThat(r.failedBranch()).isEqualTo(BranchId.of("s"));
        });
    assertThat(a.prepares).isZero();
  }
}
