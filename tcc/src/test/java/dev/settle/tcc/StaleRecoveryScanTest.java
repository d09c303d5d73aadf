package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A recovery pass that read the log while an execute was still in its Try phase, and reached the
 * transaction only after that execute had logged COMMIT and ended in doubt, must drive the logged
 * COMMIT, not presume abort from its stale scan (found by the shared JDBC log's several-nodes run:
 * the journal refused the contradicting ROLLBACK and the pass failed).
 */
class StaleRecoveryScanTest {
  @Test
  void aPassWhoseScanPredatesTheDecisionDrivesTheLoggedDecision() throws Exception {
    InMemoryTransactionLog inner = new InMemoryTransactionLog();
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    AtomicInteger replays = new AtomicInteger();
    TransactionLog log =
        new TransactionLog() {
          @Override
          public void append(List<LogRecord> records, boolean force) {
            inner.append(records, force);
          }

          @Override
          public void replay(Consumer<LogRecord> sink) {
            // Call 1 loads the known ids at execute; 2 is the pass's scan; 3 its adoption read.
            if (replays.incrementAndGet() == 3) {
              paused.countDown();
              try {
                resume.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            }
            inner.replay(sink);
          }

          @Override
          public void close() {}
        };
    CountDownLatch tryGo = new CountDownLatch(1);
    CountDownLatch inTry = new CountDownLatch(1);
    AtomicInteger confirms = new AtomicInteger();
    TccParticipant p =
        new TccParticipant() {
          @Override
          public String name() {
            return "p";
          }

          @Override
          public void tryReserve(TccContext c) {
            inTry.countDown();
            try {
              tryGo.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }

          @Override
          public void confirm(TccContext c) {
            if (confirms.incrementAndGet() == 1) {
              throw new IllegalStateException("the first confirm fails");
            }
          }

          @Override
          public void cancel(TccContext c) {}
        };
    TccCoordinator coordinator =
        TccCoordinator.builder().log(log).participant(p).phaseTwoRetry(RetryPolicy.none()).build();
    CompletableFuture<Outcome> exec =
        CompletableFuture.supplyAsync(
            () -> coordinator.execute(TccTransaction.builder().branch("b", p, "x").build()));
    assertThat(inTry.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<List<Outcome>> rec = CompletableFuture.supplyAsync(coordinator::recover);
    assertThat(paused.await(5, TimeUnit.SECONDS)).isTrue();
    tryGo.countDown();
    assertThat(exec.get(5, TimeUnit.SECONDS)).isInstanceOf(Outcome.InDoubt.class);
    resume.countDown();
    List<Outcome> recovered = rec.get(5, TimeUnit.SECONDS);
    assertThat(recovered).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(confirms).hasValue(2);
  }
}
