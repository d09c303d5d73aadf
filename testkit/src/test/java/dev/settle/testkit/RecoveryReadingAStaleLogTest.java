package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A recovery pass that reads the log while a transaction finishes on another thread. The pass
 * sees the transaction unfinished and undecided in its snapshot; by the time it gets to it, the
 * transaction has committed and ended. The pass must leave it alone: adopting the stale history
 * would make it presume an abort and log a second, contradicting decision.
 */
class RecoveryReadingAStaleLogTest {
  private final CountDownLatch inTry = new CountDownLatch(1);
  private final CountDownLatch mayAnswer = new CountDownLatch(1);
  private final Set<TransactionId> cancelled = ConcurrentHashMap.newKeySet();
  /** Holds its Try until told to answer, so a recovery pass can read the log meanwhile. */
  private final TccParticipant participant =
      new TccParticipant() {
        @Override
        public String name() {
          return "p";
        }

        @Override
        public void tryReserve(TccContext context) {
          inTry.countDown();
          try {
            mayAnswer.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public void confirm(TccContext context) {}

        @Override
        public void cancel(TccContext context) {
          cancelled.add(context.transactionId());
        }
      };

  private TccCoordinator coordinator(dev.settle.core.log.spi.TransactionLog log) {
    return TccCoordinator.builder()
        .log(log)
        .executor(Runnable::run)
        .scheduler(d -> {})
        .random(new Random(1))
        .participant(participant)
        .build();
  }

  /** Starts a transfer on another thread and returns once its Try is under way. */
  private CompletableFuture<Outcome> startTransfer(TccCoordinator coordinator) throws InterruptedException {
    TccTransaction transfer = TccTransaction.builder().branch("b", participant, new byte[0]).build();
    CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> coordinator.execute(transfer));
    assertThat(inTry.await(10, TimeUnit.SECONDS)).isTrue();
    return running;
  }

  private static Set<Decision> decisionsOf(InMemoryTransactionLog log, TransactionId tx) {
    return log.records().stream()
        .filter(r -> r instanceof LogRecord.Decided && r.transactionId().equals(tx))
        .map(r -> ((LogRecord.Decided) r).decision())
        .collect(Collectors.toSet());
  }

  @Test
  void aTransactionThatEndsWhileRecoveryReadsTheLogIsNotDrivenAgain() throws Exception {
    StaleReplayLog log = new StaleReplayLog(InMemoryTransactionLog.keepingHistory());
    TccCoordinator coordinator = coordinator(log);
    CompletableFuture<Outcome> running = startTransfer(coordinator);
    // The pass scans the log first (unfinished, undecided), then reads it again to adopt what it
    // found: that second read's snapshot is taken, the transaction finishes, then it is walked.
    log.arm(
        1,
        () -> {
          mayAnswer.countDown();
          running.join();
        });
    List<Outcome> recovered = coordinator.recover();

    Outcome outcome = running.get(10, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    TransactionId tx = outcome.transactionId();
    assertThat(decisionsOf((InMemoryTransactionLog) log.delegate(), tx))
        .as("decisions logged for %s", tx)
        .containsExactly(Decision.COMMIT);
    assertThat(cancelled).as("a committed transaction's branch was cancelled").isEmpty();
    assertThat(recovered).extracting(Outcome::transactionId).doesNotContain(tx);
  }

  /** Stores an armed append, then fails it: the answer of a write that did land is lost. */
  private static final class LosesAnAnswer extends dev.settle.core.log.spi.ForwardingTransactionLog {
    volatile boolean armed;

    LosesAnAnswer(dev.settle.core.log.spi.TransactionLog log) {
      super(log);
    }

    @Override
    public void append(List<LogRecord> records, boolean force) {
      super.append(records, force);
      if (armed && records.stream().anyMatch(LogRecord.End.class::isInstance)) {
        armed = false;
        throw new dev.settle.core.TransactionLogException("simulated: the answer was lost; may or may not be stored", null);
      }
    }
  }

  /**
   * Found by a review of the fix above: the same stale read, but the transaction does not end
   * cleanly; the append that ends it fails after storing (its answer lost). The journal drops the
   * transaction so that recovery reads it from the log, and a pass whose read began before that
   * must not be the one to adopt it.
   */
  @Test
  void aTransactionWhoseLastAppendFailedWhileRecoveryReadIsNotAdoptedFromTheOlderRead() throws Exception {
    InMemoryTransactionLog underneath = InMemoryTransactionLog.keepingHistory();
    LosesAnAnswer losing = new LosesAnAnswer(underneath);
    StaleReplayLog log = new StaleReplayLog(losing);
    TccCoordinator coordinator = coordinator(log);
    CompletableFuture<Outcome> running = startTransfer(coordinator);
    log.arm(
        1,
        () -> {
          losing.armed = true;
          mayAnswer.countDown();
          try {
            running.join();
          } catch (java.util.concurrent.CompletionException expected) {
            // the End's answer was lost: execute reports the failure, recovery finishes it
          }
        });
    coordinator.recover(); // its read predates the failed append
    coordinator.recover(); // reads the log again

    TransactionId tx = underneath.records().get(0).transactionId();
    assertThat(decisionsOf(underneath, tx)).as("decisions logged for %s", tx).containsExactly(Decision.COMMIT);
    assertThat(cancelled).as("a committed transaction's branch was cancelled").isEmpty();
  }
}
