package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever the policy's settings and the jitter's random draws, a delay never exceeds its cap,
 * jitter only shortens it by its share, and the attempts and total delay stay within the policy.
 */
class RetryPolicyProperties {
  /** The backoff's shape; QuickTheories takes at most four generators, so these travel together. */
  record Shape(long baseMillis, long extraMaxMillis, double multiplier, double jitter) {}

  @Test
  void everyDelayStaysWithinItsBoundsAndTheDeadline() {
    qt().withExamples(1000)
        .forAll(
            integers().between(1, 20),
            longs()
                .between(0, 1_000)
                .zip(
                    longs().between(1, 5_000),
                    doubles().between(1.0, 4.0),
                    doubles().between(0.0, 1.0),
                    Shape::new),
            longs().between(1, 60_000),
            longs().all())
        .checkAssert(RetryPolicyProperties::delaysStayInBounds);
  }

  private static void delaysStayInBounds(
      int maxAttempts, Shape shape, long maxDurationMillis, long seed) {
    long baseMillis = shape.baseMillis();
    double multiplier = shape.multiplier();
    double jitter = shape.jitter();
    Duration base = Duration.ofMillis(baseMillis);
    Duration max = Duration.ofMillis(baseMillis + shape.extraMaxMillis());
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(maxAttempts)
            .backoff(base, max)
            .multiplier(multiplier)
            .jitter(jitter)
            .maxDuration(Duration.ofMillis(maxDurationMillis))
            .build();
    Random random = new Random(seed);
    Duration elapsed = Duration.ZERO;
    int attempts = 1;
    while (true) {
      Optional<Duration> next = policy.nextDelay(attempts, elapsed, random);
      if (next.isEmpty()) {
        break;
      }
      Duration delay = next.get();
      double full = Math.min(max.toNanos(), base.toNanos() * Math.pow(multiplier, attempts - 1));
      assertThat(delay).isLessThanOrEqualTo(max);
      assertThat(delay.toNanos()).isGreaterThanOrEqualTo(0);
      // Jitter only shortens, and by no more than its share, unless the deadline cut it.
      boolean cutByDeadline =
          elapsed.plus(delay).toMillis() >= maxDurationMillis;
      if (!cutByDeadline) {
        assertThat((double) delay.toNanos()).isGreaterThanOrEqualTo(Math.floor(full * (1 - jitter)) - 1);
      }
      elapsed = elapsed.plus(delay);
      attempts++;
      assertThat(elapsed.toMillis()).isLessThanOrEqualTo(maxDurationMillis);
    }
    assertThat(attempts).isLessThanOrEqualTo(maxAttempts);
  }
}
