package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.testsupport.CrashingLog;
import dev.settle.core.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TwoPhaseCoordinatorTest {
  private final Node a = new Node("a");
  private final Node b = new Node("b");
  private final List<TransactionEvent> events = new ArrayList<>();

  private TwoPhaseCoordinatorBuilder builder(TransactionLog log) {
    return TwoPhaseCoordinator.builder()
        .log(log)
        .executor(Runnable::run)
        .scheduler(d -> {})
        .random(new Random(5))
        .participant(a)
        .participant(b)
        .listener(events::add);
  }

  private TwoPhaseTransaction both() {
    return TwoPhaseTransaction.builder().enlist("a", a).enlist("b", b).build();
  }

  @Test
  void commitsWhenEveryoneVotesPreparedWithOneForcedWrite() {
    List<Boolean> forces = new ArrayList<>();
    InMemoryTransactionLog inner = InMemoryTransactionLog.keepingHistory();
    TransactionLog counting =
        new TransactionLog() {
          @Override
          public void append(List<LogRecord> records, boolean force) {
            forces.add(force);
            inner.append(records, force);
          }

          @Override
          public void replay(java.util.function.Consumer<LogRecord> sink) {
            inner.replay(sink);
          }

          @Override
          public void close() {}
        };
    Outcome outcome = builder(counting).build().execute(both());
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(a.state(outcome.transactionId())).isEqualTo(Node.State.COMMITTED);
    assertThat(b.state(outcome.transactionId())).isEqualTo(Node.State.COMMITTED);
    assertThat(forces.stream().filter(f -> f).count()).as("forced writes").isEqualTo(1);
    assertThat(events).extracting(TransactionEvent::type).contains(EventType.DECIDED_COMMIT);
  }

  @Test
  void anAbortVoteRollsEveryoneBack() {
    b.vote = Vote.ABORT;
    Outcome outcome = builder(new InMemoryTransactionLog()).build().execute(both());
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("b voted abort"));
    assertThat(a.state(outcome.transactionId())).isEqualTo(Node.State.ROLLED_BACK);
  }

  @Test
  void aFailedPrepareRollsBack() {
    a.prepareFailure = new IllegalStateException("disk full");
    Outcome outcome = builder(new InMemoryTransactionLog()).build().execute(both());
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("disk full"));
    assertThat(b.state(outcome.transactionId())).isEqualTo(Node.State.ROLLED_BACK);
  }

  @Test
  void aPrepareTimeoutAbortsEvenIfTheParticipantPreparedLate() {
    ManualClock clock = new ManualClock(0);
    Node slow =
        new Node("slow") {
          @Override
          public synchronized Vote prepare(TwoPhaseContext ctx) {
            clock.advance(Duration.ofSeconds(10)); // virtual time passes while it works
            return super.prepare(ctx);
          }
        };
    Outcome outcome =
        builder(new InMemoryTransactionLog())
            .clock(clock)
            .prepareTimeout(Duration.ofSeconds(1))
            .build()
            .execute(TwoPhaseTransaction.builder().enlist("slow", slow).enlist("b", b).build());
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("outcome unknown"));
    assertThat(slow.state(outcome.transactionId())).isEqualTo(Node.State.ROLLED_BACK);
  }

  @Test
  void readOnlyVotersGetNoPhaseTwo() {
    a.vote = Vote.READ_ONLY;
    Outcome outcome = builder(new InMemoryTransactionLog()).build().execute(both());
    assertThat(outcome.branches()).containsEntry(BranchId.of("a"), BranchState.READ_ONLY);
    assertThat(a.commits).isZero();
    assertThat(b.commits).isEqualTo(1);
    b.vote = Vote.READ_ONLY;
    Outcome allReadOnly = builder(new InMemoryTransactionLog()).build().execute(both());
    assertThat(allReadOnly).isInstanceOf(Outcome.Committed.class);
    assertThat(events).extracting(TransactionEvent::type).contains(EventType.BRANCH_READ_ONLY);
  }

  @Test
  void oneParticipantThatAnswersInquiriesCommitsInOnePhase() {
    Node solo =
        new Node("solo") {
          @Override
          public synchronized Vote prepare(TwoPhaseContext ctx) {
            throw new AssertionError("one-phase commit must not prepare");
          }

          @Override
          public boolean answersInquiry() {
            return true;
          }
        };
    Outcome outcome =
        builder(new InMemoryTransactionLog())
            .build()
            .execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(solo.commits).isEqualTo(1);
  }

  @Test
  void oneParticipantThatCannotAnswerInquiriesIsPreparedFirst() {
    Node solo = new Node("solo");
    Outcome outcome =
        builder(new InMemoryTransactionLog())
            .build()
            .execute(TwoPhaseTransaction.builder().enlist("solo", solo).build());
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(solo.commits).isEqualTo(1);
    assertThat(solo.prepares).isEqualTo(1);
  }

  @Test
  void failingWorkRollsBackWithoutPreparing() {
    Outcome outcome =
        builder(new InMemoryTransactionLog())
            .build()
            .execute(
                TwoPhaseTransaction.builder()
                    .enlist("a", a)
                    .enlist("b", b)
                    .work(tx -> { throw new IllegalArgumentException("unknown account Z"); })
                    .build());
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("unknown account Z"));
    assertThat(a.state(outcome.transactionId())).isEqualTo(Node.State.ROLLED_BACK);
  }

  @Test
  void anUnreachableParticipantIsInDoubtUntilRecovery() {
    b.commitFailuresLeft = 3;
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TwoPhaseCoordinator coordinator =
        builder(log).phaseTwoRetry(RetryPolicy.builder().maxAttempts(2).build()).build();
    Outcome outcome = coordinator.execute(both());
    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.InDoubt.class, d -> assertThat(d.decision()).isEqualTo(Decision.COMMIT));
    assertThat(coordinator.decisionFor(outcome.transactionId())).contains(Decision.COMMIT);
    b.commitFailuresLeft = 0;
    assertThat(coordinator.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(b.state(outcome.transactionId())).isEqualTo(Node.State.COMMITTED);
    assertThat(b.commits).isEqualTo(1);
  }

  @Test
  void withNoDecisionLoggedRecoveryPresumesAbort() {
    CrashingLog log = new CrashingLog(2); // append 2 is the commit decision
    assertThatThrownBy(() -> builder(log).build().execute(both())).isInstanceOf(CrashingLog.Crash.class);
    TransactionId tx = log.inner.records().get(0).transactionId();
    assertThat(a.state(tx)).isEqualTo(Node.State.PREPARED);
    log.disarm();
    TwoPhaseCoordinator restarted = builder(log).build();
    assertThat(restarted.decisionFor(tx)).isEmpty();
    assertThat(restarted.recover()).singleElement().isInstanceOf(Outcome.RolledBack.class);
    assertThat(a.state(tx)).isEqualTo(Node.State.ROLLED_BACK);
    assertThat(b.state(tx)).isEqualTo(Node.State.ROLLED_BACK);
    assertThat(LogReplay.unfinished(log, "2pc")).isEmpty();
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> TwoPhaseTransaction.builder().build())
        .hasMessageContaining("at least one participant");
    assertThatThrownBy(() -> TwoPhaseTransaction.builder().enlist("a", a).enlist("a", b))
        .hasMessageContaining("enlisted twice");
    assertThatThrownBy(() -> TwoPhaseCoordinator.builder().prepareTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("prepareTimeout must be positive");
    assertThatThrownBy(() -> TwoPhaseTransaction.builder().enlist(" ", a))
        .hasMessageContaining("branch id must not be blank");
  }
}
