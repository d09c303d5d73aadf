package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Outcome;
import dev.settle.core.Scheduler;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.fence.FenceState;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Try timeout holds when the participant is fenced in memory: the fence must not make the
 * Cancel of a slow Try wait for that Try (issue 13, defect 6).
 */
class FencedTryTimeoutTest {
  private static final Scheduler NO_WAIT = d -> {};
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final InMemoryTccFence fence = new InMemoryTccFence(Clock.systemUTC(), Duration.ofMinutes(1));

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void aThreeSecondTryWithAHalfSecondTimeoutRollsBackWithinASecondAndLeavesNoReservation()
      throws Exception {
    CountDownLatch tryEntered = new CountDownLatch(1);
    CountDownLatch letTryFinish = new CountDownLatch(1);
    Ledger slowNode =
        new Ledger("slow") {
          @Override
          public void tryReserve(TccContext ctx) {
            tryEntered.countDown();
            try {
              // A Try that takes three seconds, unless the test lets it finish earlier.
              letTryFinish.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.tryReserve(ctx); // then it does reserve: the late effect the fence must undo
          }
        }.open("S", 50);
    Ledger creditNode = new Ledger("credit").open("C", 0);
    TccParticipant slow = fence.protect(slowNode);
    TccParticipant credit = fence.protect(creditNode);
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .executor(pool)
            .scheduler(NO_WAIT)
            .tryTimeout(Duration.ofMillis(500))
            .transactionTimeout(Duration.ofSeconds(5))
            .build();
    TccTransaction transfer =
        TccTransaction.builder().branch("debit", slow, "S:-20").branch("credit", credit, "C:20").build();

    long started = System.nanoTime();
    Outcome outcome = coordinator.execute(transfer);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(tryEntered.getCount()).isZero();
    assertThat(tookMillis).as("execute took %d ms", tookMillis).isLessThan(1_500);
    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.RolledBack.class, r -> assertThat(r.reason()).contains("debit").contains("timed out"));
    assertThat(outcome.branches()).containsOnly(
        org.assertj.core.api.Assertions.entry(BranchId.of("debit"), BranchState.ROLLED_BACK),
        org.assertj.core.api.Assertions.entry(BranchId.of("credit"), BranchState.ROLLED_BACK));

    // Now the late Try completes its reservation; the fence must undo it on its own.
    letTryFinish.countDown();
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (fence.state(outcome.transactionId(), BranchId.of("debit")).orElseThrow()
            != FenceState.CANCELLED
        && System.nanoTime() < waitUntil) {
      Thread.sleep(10);
    }
    assertThat(fence.state(outcome.transactionId(), BranchId.of("debit"))).contains(FenceState.CANCELLED);
    assertThat(slowNode.held()).as("hanging reservation").isZero();
    assertThat(slowNode.available("S")).isEqualTo(50);
    assertThat(creditNode.held()).isZero();
    assertThat(creditNode.available("C")).isZero();
  }
}
