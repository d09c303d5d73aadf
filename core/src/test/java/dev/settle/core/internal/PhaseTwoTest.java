package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ManualClock;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Phase two on its own, as every protocol uses it: what it sends, retries, logs and reports for a
 * logged decision, with a journal on an in-memory log and a listener watching.
 */
class PhaseTwoTest {
  private final ManualClock clock = new ManualClock(1_000_000);
  private final List<TransactionEvent> events = new ArrayList<>();
  private final List<String> forced = new ArrayList<>();
  private final InMemoryTransactionLog memory = InMemoryTransactionLog.keepingHistory();
  private final Journal journal =
      new Journal(
          new ForwardingTransactionLog(memory) {
            @Override
            public void append(List<LogRecord> records, boolean force) {
              for (LogRecord r : records) {
                if (r instanceof LogRecord.BranchUpdated u) {
                  forced.add(u.branchId() + ":" + u.state() + (force ? " forced" : ""));
                }
              }
              super.append(records, force);
            }
          },
          "test",
          new EventDispatcher(clock, List.of(events::add), "test"));
  private final EventDispatcher dispatcher = new EventDispatcher(clock, List.of(events::add), "test");
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final TransactionId tx = TransactionId.of("t1");
  private final BranchId a = BranchId.of("a");
  private final BranchId b = BranchId.of("b");

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private PhaseTwo phaseTwo(int attempts) {
    return new PhaseTwo(
        journal,
        dispatcher,
        new Retrier(RetryPolicy.builder().maxAttempts(attempts).build(), clock, d -> {}, new Random(1)),
        new CallGuard(Runnable::run, clock, Duration.ofSeconds(5)));
  }

  private void begun(Decision decision) {
    journal.reserve(tx);
    journal.append(
        List.of(
            new LogRecord.Begin(tx, "test", 0, 10),
            new LogRecord.BranchRegistered(tx, a, "p", new byte[0]),
            new LogRecord.BranchRegistered(tx, b, "p", new byte[0])),
        true);
    journal.decide(tx, decision);
  }

  private List<EventType> types() {
    return events.stream().map(TransactionEvent::type).toList();
  }

  @Test
  void everyBranchAcknowledgingEndsTheTransactionWithOneUnforcedAppend() {
    begun(Decision.COMMIT);
    List<String> sent = new ArrayList<>();
    Outcome outcome =
        phaseTwo(3)
            .drive(
                tx,
                Decision.COMMIT,
                List.of(new PhaseTwo.Branch(a, n -> sent.add("a" + n)), new PhaseTwo.Branch(b, n -> sent.add("b" + n))),
                Map.of(),
                Reason.of(""));

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(outcome.branches()).containsEntry(a, BranchState.COMMITTED).containsEntry(b, BranchState.COMMITTED);
    assertThat(sent).containsExactly("a1", "b1");
    assertThat(forced).containsExactly("a:COMMITTED", "b:COMMITTED"); // unforced: a lost one only repeats phase two
    assertThat(LogReplay.all(memory).get(tx).ended()).isTrue();
    assertThat(types()).containsSubsequence(EventType.BRANCH_COMMITTED, EventType.BRANCH_COMMITTED, EventType.TRANSACTION_COMMITTED);
  }

  @Test
  void aFailingBranchIsRetriedWithItsAttemptNumberUntilItAcknowledges() {
    begun(Decision.COMMIT);
    List<Integer> attempts = new ArrayList<>();
    Outcome outcome =
        phaseTwo(5)
            .drive(
                tx,
                Decision.COMMIT,
                List.of(
                    new PhaseTwo.Branch(
                        a,
                        n -> {
                          attempts.add(n);
                          if (n < 3) {
                            throw new IllegalStateException("unreachable " + n);
                          }
                        }),
                    new PhaseTwo.Branch(b, n -> {})),
                Map.of(),
                Reason.of(""));

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(events).filteredOn(e -> e.type() == EventType.BRANCH_RETRYING).hasSize(2)
        .allSatisfy(e -> assertThat(e.detail()).contains("unreachable"));
  }

  @Test
  void aBranchThatNeverAcknowledgesIsInDoubtAndTheTransactionStaysOpenForRecovery() {
    begun(Decision.ROLLBACK);
    IllegalStateException down = new IllegalStateException("down");
    Outcome outcome =
        phaseTwo(2)
            .drive(
                tx,
                Decision.ROLLBACK,
                List.of(new PhaseTwo.Branch(a, n -> {}), new PhaseTwo.Branch(b, n -> { throw down; })),
                Map.of(),
                Reason.of("refused"));

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.InDoubt.class,
        d -> {
          assertThat(d.decision()).isEqualTo(Decision.ROLLBACK);
          assertThat(d.lastFailure()).isSameAs(down);
          assertThat(d.branches()).containsEntry(a, BranchState.ROLLED_BACK).containsEntry(b, BranchState.IN_DOUBT);
        });
    assertThat(LogReplay.unfinished(memory, "test")).containsKey(tx);
    assertThat(forced).containsExactly("a:ROLLED_BACK", "b:IN_DOUBT");
    assertThat(types()).contains(EventType.BRANCH_IN_DOUBT, EventType.TRANSACTION_HEURISTIC);
  }

  @Test
  void inOrderNothingIsSentPastABranchLeftInDoubt() {
    begun(Decision.ROLLBACK);
    List<String> sent = new ArrayList<>();
    Outcome outcome =
        phaseTwo(1)
            .driveInOrder(
                tx,
                Decision.ROLLBACK,
                List.of(
                    new PhaseTwo.Branch(a, n -> { throw new IllegalStateException("stuck"); }),
                    new PhaseTwo.Branch(b, n -> sent.add("b"))),
                Map.of(),
                Reason.of("compensating"));

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(outcome.branches()).containsEntry(a, BranchState.IN_DOUBT).containsEntry(b, BranchState.IN_DOUBT);
    assertThat(sent).isEmpty();
    assertThat(events).filteredOn(e -> e.type() == EventType.BRANCH_IN_DOUBT && b.equals(e.branchId()))
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("earlier branch"));
  }

  @Test
  void aHeuristicAnswerIsNotRetriedAndIsLoggedDurablyBeforeTheResourceForgetsIt() {
    begun(Decision.COMMIT);
    List<String> forgotten = new ArrayList<>();
    int[] calls = {0};
    Outcome outcome =
        phaseTwo(5)
            .drive(
                tx,
                Decision.COMMIT,
                List.of(
                    new PhaseTwo.Branch(a, n -> {}),
                    new PhaseTwo.Branch(
                        b,
                        n -> {
                          calls[0]++;
                          throw new HeuristicBranchException(tx, b, BranchState.ROLLED_BACK, "rolled back alone", null);
                        },
                        () -> forgotten.add("b after " + forced))),
                Map.of(),
                Reason.of(""));

    assertThat(outcome).isInstanceOf(Outcome.Mixed.class);
    assertThat(outcome.branches()).containsEntry(b, BranchState.ROLLED_BACK);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(forgotten).containsExactly("b after [a:COMMITTED forced, b:ROLLED_BACK forced]");
    assertThat(forced).as("each branch's state logged once").containsExactly("a:COMMITTED forced", "b:ROLLED_BACK forced");
    assertThat(types()).contains(EventType.BRANCH_HEURISTIC, EventType.TRANSACTION_HEURISTIC);
    assertThat(LogReplay.all(memory).get(tx).ended()).isTrue();
  }

  @Test
  void aRollbackReportsItsReasonAndTheBranchesAlreadySettled() {
    begun(Decision.ROLLBACK);
    Outcome outcome =
        phaseTwo(1)
            .drive(
                tx,
                Decision.ROLLBACK,
                List.of(new PhaseTwo.Branch(a, n -> {})),
                Map.of(b, BranchState.READ_ONLY),
                new Reason("branch b voted abort", b, null));

    assertThat(outcome).isInstanceOfSatisfying(
        Outcome.RolledBack.class,
        r -> {
          assertThat(r.reason()).isEqualTo("branch b voted abort");
          assertThat(r.failedBranch()).isEqualTo(b);
          assertThat(r.branches()).containsEntry(a, BranchState.ROLLED_BACK).containsEntry(b, BranchState.READ_ONLY);
        });
    assertThat(events).filteredOn(e -> e.type() == EventType.TRANSACTION_ROLLED_BACK)
        .singleElement().satisfies(e -> {
          assertThat(e.detail()).isEqualTo("branch b voted abort");
          assertThat(e.cause()).as("an abort vote is a refusal").isEqualTo(dev.settle.core.FailureKind.BUSINESS_REFUSAL);
        });
  }

  @Test
  void inParallelEveryBranchRunsOnTheExecutorAndTheOutcomeWaitsForAll() {
    begun(Decision.COMMIT);
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    Outcome outcome =
        phaseTwo(1)
            .driveInParallel(
                tx,
                Decision.COMMIT,
                List.of(
                    new PhaseTwo.Branch(a, n -> threads.add(Thread.currentThread().getName())),
                    new PhaseTwo.Branch(b, n -> threads.add(Thread.currentThread().getName()))),
                Map.of(),
                Reason.of(""),
                pool);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(threads).hasSize(2).allSatisfy(name -> assertThat(name).isNotEqualTo(Thread.currentThread().getName()));
    assertThat(outcome.branches()).containsEntry(a, BranchState.COMMITTED).containsEntry(b, BranchState.COMMITTED);
    assertThat(forced).containsExactlyInAnyOrder("a:COMMITTED", "b:COMMITTED");
  }

  @Test
  void anInterruptedCallerStopsRetryingAtOnceAndKeepsItsInterrupt() {
    begun(Decision.COMMIT);
    int[] calls = {0};
    PhaseTwo slow =
        new PhaseTwo(
            journal,
            dispatcher,
            new Retrier(RetryPolicy.builder().maxAttempts(5).build(), clock, d -> {}, new Random(1)),
            new CallGuard(pool, clock, Duration.ofSeconds(5)));
    Thread.currentThread().interrupt();
    try {
      Outcome outcome =
          slow.drive(
              tx,
              Decision.COMMIT,
              List.of(
                  new PhaseTwo.Branch(
                      a,
                      n -> {
                        calls[0]++;
                        try {
                          Thread.sleep(10_000);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      })),
              Map.of(),
              Reason.of(""));
      assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(calls[0]).isLessThanOrEqualTo(1);
      assertThat(types()).as("an interrupt is not a failure to retry").doesNotContain(EventType.BRANCH_RETRYING);
    } finally {
      Thread.interrupted();
    }
  }
}
