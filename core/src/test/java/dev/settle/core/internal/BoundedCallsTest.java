package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.ManualClock;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "Nothing hangs": every participant call runs under a timeout, by the wall clock on a real
 * executor and by the injected clock on a direct one, and a call whose answer came too late counts
 * as unknown, never as done.
 */
class BoundedCallsTest {
  private final ManualClock clock = new ManualClock(0);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final TransactionId tx = TransactionId.of("t1");
  private final BranchId a = BranchId.of("a");
  private final BranchId b = BranchId.of("b");
  private final List<TransactionEvent> events = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    pool.shutdownNow();
  }

  private void blockUntilReleased() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aCallThatDoesNotAnswerInTimeIsUnknownAndTheCallerGetsControlBack() {
    CallGuard guard = new CallGuard(pool, java.time.Clock.systemUTC(), Duration.ofMillis(100));
    long start = System.nanoTime();
    assertThatThrownBy(() -> guard.run(tx, a, "commit", this::blockUntilReleased))
        .isInstanceOf(ParticipantTimeoutException.class)
        .hasMessageContaining("commit did not answer within PT0.1S; outcome unknown");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aCallThatAnswersAfterItsTimeoutByTheInjectedClockIsUnknownToo() {
    CallGuard guard = new CallGuard(Runnable::run, clock, Duration.ofSeconds(1));
    guard.run(tx, a, "commit", () -> clock.advance(Duration.ofMillis(1_000))); // exactly on time
    assertThatThrownBy(() -> guard.run(tx, a, "commit", () -> clock.advance(Duration.ofMillis(1_001))))
        .isInstanceOf(ParticipantTimeoutException.class)
        .hasMessageContaining("answered after its timeout");
  }

  @Test
  void whatTheCallThrowsIsWhatTheCallerGets() {
    CallGuard guard = new CallGuard(pool, clock, Duration.ofSeconds(5));
    IllegalStateException refused = new IllegalStateException("refused");
    assertThatThrownBy(() -> guard.run(tx, a, "commit", () -> { throw refused; })).isSameAs(refused);
    AssertionError bug = new AssertionError("participant bug");
    assertThatThrownBy(() -> guard.run(tx, a, "commit", () -> { throw bug; })).isSameAs(bug);
  }

  @Test
  void anInterruptedCallerStopsWaitingKeepsItsInterruptAndTheOutcomeIsUnknown() {
    CallGuard guard = new CallGuard(pool, clock, Duration.ofSeconds(30));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> guard.run(tx, a, "rollback", this::blockUntilReleased))
          .isInstanceOf(CallGuard.Interrupted.class)
          .hasMessageContaining("interrupted while waiting for rollback");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aRoundWaitsForEveryCallAndTellsEachAnswerApart() {
    ParallelRound round = new ParallelRound(pool, java.time.Clock.systemUTC(), new EventDispatcher(clock, List.of(events::add)));
    List<ParallelRound.Answer<String>> answers =
        round.run(
            tx,
            List.of(
                new ParallelRound.Call<>(a, () -> "yes"),
                new ParallelRound.Call<>(b, () -> { throw new IOException("no disk"); }),
                new ParallelRound.Call<>(BranchId.of("c"), () -> { throw new ParticipantTimeoutException(tx, BranchId.of("c"), "lost"); }),
                new ParallelRound.Call<>(BranchId.of("d"), () -> { blockUntilReleased(); return "late"; })),
            Duration.ofMillis(200),
            Long.MAX_VALUE,
            "prepare");

    assertThat(answers).extracting(ParallelRound.Answer::id).containsExactly(a, b, BranchId.of("c"), BranchId.of("d"));
    assertThat(answers.get(0).succeeded()).isTrue();
    assertThat(answers.get(0).value()).isEqualTo("yes");
    assertThat(answers.get(1).succeeded()).isFalse();
    assertThat(answers.get(1).unknown()).as("a clean failure is known").isFalse();
    assertThat(answers.get(1).error()).isInstanceOf(IOException.class);
    assertThat(answers.get(1).failure()).contains("prepare failed").contains("no disk");
    assertThat(answers.get(2).unknown()).as("a lost answer is unknown").isTrue();
    assertThat(answers.get(3).unknown()).as("no answer in time is unknown").isTrue();
    assertThat(answers.get(3).failure()).contains("timed out");
    assertThat(events).extracting(TransactionEvent::type)
        .containsSubsequence(EventType.BRANCH_PREPARING, EventType.BRANCH_PREPARING, EventType.BRANCH_PREPARED, EventType.BRANCH_FAILED);
  }

  @Test
  void aRoundEndsAtTheTransactionsDeadlineEvenWithTimeLeftOnTheCallTimeout() {
    ParallelRound round = new ParallelRound(Runnable::run, clock, new EventDispatcher(clock, List.of()));
    List<ParallelRound.Answer<Void>> answers =
        round.run(
            tx,
            List.of(new ParallelRound.Call<>(a, () -> { clock.advance(Duration.ofMillis(60)); return null; })),
            Duration.ofSeconds(10),
            clock.millis() + 50,
            "try");
    assertThat(answers.get(0).unknown()).isTrue();
    assertThat(answers.get(0).failure()).contains("answered after its timeout");
  }

  /** The limit is inclusive: an answer at the very millisecond of the deadline is in time. */
  @Test
  void anAnswerExactlyAtTheDeadlineIsInTimeAndSaysWhatItReturned() {
    ParallelRound round = new ParallelRound(Runnable::run, clock, new EventDispatcher(clock, List.of(events::add)));
    List<ParallelRound.Answer<String>> answers =
        round.run(
            tx,
            List.of(
                new ParallelRound.Call<>(a, () -> { clock.advance(Duration.ofMillis(50)); return "vote yes"; }),
                new ParallelRound.Call<>(b, () -> null)),
            Duration.ofSeconds(10),
            clock.millis() + 50,
            "try");
    assertThat(answers).allSatisfy(answer -> assertThat(answer.succeeded()).isTrue());
    assertThat(events).filteredOn(e -> e.type() == EventType.BRANCH_PREPARED)
        .extracting(TransactionEvent::detail)
        .containsExactly("try vote yes", "try ok");
  }

  @Test
  void anErrorInACallIsACrashAndIsRethrown() {
    ParallelRound round = new ParallelRound(Runnable::run, clock, new EventDispatcher(clock, List.of()));
    assertThatThrownBy(
            () -> round.run(tx, List.of(new ParallelRound.Call<>(a, () -> { throw new OutOfMemoryError("simulated"); })),
                Duration.ofSeconds(1), Long.MAX_VALUE, "try"))
        .isInstanceOf(OutOfMemoryError.class);
  }
}
