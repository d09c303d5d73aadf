package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RetryPolicyProperties {
  @Property
  void everyDelayStaysWithinItsBoundsAndTheDeadline(
      @ForAll @IntRange(min = 1, max = 20) int maxAttempts,
      @ForAll @LongRange(min = 0, max = 1_000) long baseMillis,
      @ForAll @LongRange(min = 1, max = 5_000) long extraMaxMillis,
      @ForAll @DoubleRange(min = 1.0, max = 4.0) double multiplier,
      @ForAll @DoubleRange(min = 0.0, max = 1.0) double jitter,
      @ForAll @LongRange(min = 1, max = 60_000) long maxDurationMillis,
      @ForAll long seed) {
    Duration base = Duration.ofMillis(baseMillis);
    Duration max = Duration.ofMillis(baseMillis + extraMaxMillis);
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
