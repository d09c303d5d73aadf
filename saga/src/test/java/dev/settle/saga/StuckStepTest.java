package dev.settle.saga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regression test for issue 13, defect 5: a saga action or compensation that never returns used
 * to hang {@code execute} forever. Both now run under the call timeout; a timed-out action's
 * outcome is unknown, so it is compensated.
 */
class StuckStepTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> done = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void unblock() {
    release.countDown();
  }

  private void block() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private SagaCoordinator coordinator(SagaDefinition definition) {
    return SagaCoordinator.builder()
        .log(new InMemoryTransactionLog())
        .definition(definition)
        .callTimeout(Duration.ofMillis(200))
        .phaseTwoRetry(RetryPolicy.builder().maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).build())
        .build();
  }

  @Test
  void anActionThatNeverReturnsTimesOutAndIsCompensatedAsAnUnknownOutcome() {
    SagaDefinition definition =
        SagaDefinition.builder("stuck-action")
            .step("debit", ctx -> done.add("debit"), ctx -> done.add("undo debit"))
            .step("credit", ctx -> block(), ctx -> done.add("undo credit"))
            .build();

    long start = System.nanoTime();
    Outcome outcome = coordinator(definition).execute(SagaRequest.of(definition));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    // Compensations are delivered at least once (a slow machine may time one out and resend it):
    // what matters is that each ran, in reverse order.
    assertThat(done.stream().distinct().toList()).containsExactly("debit", "undo credit", "undo debit");
    assertThat(millis).as("returned after %d ms", millis).isLessThan(10_000);
  }

  @Test
  void aCompensationThatNeverReturnsIsReportedInDoubt() {
    SagaDefinition definition =
        SagaDefinition.builder("stuck-compensation")
            .step("debit", ctx -> done.add("debit"), ctx -> block())
            .step("credit", ctx -> { throw new IllegalStateException("refused"); }, ctx -> {}, RetryPolicy.none())
            .build();

    long start = System.nanoTime();
    Outcome outcome = coordinator(definition).execute(SagaRequest.of(definition));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    assertThat(millis).as("returned after %d ms", millis).isLessThan(10_000);
  }
}
