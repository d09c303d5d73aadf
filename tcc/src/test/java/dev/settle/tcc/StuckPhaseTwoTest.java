package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression test for issue 13, defect 5: a confirm or cancel that never returns used to hang
 * {@code execute} forever. Every phase-two call now runs under the call timeout.
 */
class StuckPhaseTwoTest {
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void unblock() {
    release.countDown();
  }

  /** A participant whose confirm blocks until the test ends, and whose cancel works. */
  private final class StuckConfirm implements TccParticipant {
    final AtomicInteger confirms = new AtomicInteger();

    @Override
    public String name() {
      return "stuck";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      confirms.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void cancel(TccContext context) {}
  }

  @Test
  void aConfirmThatNeverReturnsIsReportedInDoubtWithinTheCallTimeouts() {
    StuckConfirm stuck = new StuckConfirm();
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .participant(stuck)
            .callTimeout(Duration.ofMillis(200))
            .phaseTwoRetry(RetryPolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build())
            .build();

    long start = System.nanoTime();
    Outcome outcome =
        coordinator.execute(TccTransaction.builder().branch("b", stuck, "x").build());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(outcome.branches()).containsEntry(BranchId.of("b"), BranchState.IN_DOUBT);
    assertThat(((Outcome.InDoubt) outcome).lastFailure()).hasMessageContaining("did not answer within");
    assertThat(stuck.confirms.get()).isEqualTo(2); // retried under the policy
    assertThat(millis).as("returned after %d ms", millis).isLessThan(10_000);
  }
}
