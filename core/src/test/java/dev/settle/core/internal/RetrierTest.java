package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.ManualClock;
import dev.settle.core.RetryPolicy;
import dev.settle.core.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final ManualClock clock = new ManualClock(0);
  private final List<Duration> pauses = new ArrayList<>();
  private final Scheduler virtual =
      d -> {
        pauses.add(d);
        clock.advance(d);
      };

  private Retrier retrier(int attempts) {
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(attempts)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .jitter(0)
            .build();
    return new Retrier(policy, clock, virtual, new Random(1));
  }

  @Test
  void retriesUntilTheCallSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> reported = new ArrayList<>();
    Retrier.Result result =
        retrier(5)
            .run(
                () -> {
                  if (calls.incrementAndGet() < 3) {
                    throw new IllegalStateException("not yet");
                  }
                },
                (attempt, failure, delay) -> reported.add(attempt));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(reported).containsExactly(1, 2);
    assertThat(pauses).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  @Test
  void givesBackTheLastFailureWhenThePolicyIsSpent() {
    Retrier.Result result =
        retrier(3)
            .run(
                () -> {
                  throw new IllegalStateException("down");
                },
                (a, f, d) -> {});
    assertThat(result.succeeded()).isFalse();
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(result.lastFailure()).hasMessage("down");
  }

  @Test
  void anErrorIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retrier(5)
                    .run(
                        () -> {
                          calls.incrementAndGet();
                          throw new AssertionError("crash");
                        },
                        (a, f, d) -> {}))
        .isInstanceOf(AssertionError.class);
    assertThat(calls).hasValue(1);
  }
}
