package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void defaultsAreDocumented() {
    RetryPolicyConfig c = RetryPolicy.ofDefaults().config();
    assertThat(c.maxAttempts()).isEqualTo(8);
    assertThat(c.baseDelay()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.maxDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.jitter()).isEqualTo(0.5);
    assertThat(c.maxDuration()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void noneNeverRetries() {
    assertThat(RetryPolicy.none().nextDelay(1, Duration.ZERO, new Random(1))).isEmpty();
  }

  @Test
  void withoutJitterDelaysDoubleUpToTheCap() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxAttempts(10)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .jitter(0)
            .build();
    Random r = new Random(1);
    assertThat(policy.nextDelay(1, Duration.ZERO, r)).contains(Duration.ofMillis(10));
    assertThat(policy.nextDelay(2, Duration.ZERO, r)).contains(Duration.ofMillis(20));
    assertThat(policy.nextDelay(3, Duration.ZERO, r)).contains(Duration.ofMillis(40));
    assertThat(policy.nextDelay(4, Duration.ZERO, r)).contains(Duration.ofMillis(50));
    assertThat(policy.nextDelay(10, Duration.ZERO, r)).isEmpty();
  }

  @Test
  void theDelayIsCutToWhatRemainsOfTheDeadline() {
    RetryPolicy policy =
        RetryPolicy.builder()
            .backoff(Duration.ofMillis(100), Duration.ofMillis(100))
            .jitter(0)
            .maxDuration(Duration.ofMillis(130))
            .build();
    assertThat(policy.nextDelay(1, Duration.ofMillis(100), new Random()))
        .contains(Duration.ofMillis(30));
    assertThat(policy.nextDelay(2, Duration.ofMillis(130), new Random())).isEmpty();
  }

  @Test
  void builderRejectsBadArgumentsNamingThem() {
    RetryPolicyBuilder b = RetryPolicy.builder();
    assertThatThrownBy(() -> b.maxAttempts(0)).hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> b.jitter(1.5)).hasMessageContaining("jitter must be between 0.0 and 1.0");
    assertThatThrownBy(() -> b.multiplier(0.5)).hasMessageContaining("multiplier");
    assertThatThrownBy(() -> b.maxDuration(Duration.ofSeconds(-1)))
        .hasMessageContaining("maxDuration must be positive");
    assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("must not exceed max delay");
    assertThatThrownBy(() -> b.backoff(null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("base delay must not be null");
  }

  @Test
  void aBuilderCanBeReusedWithoutChangingBuiltPolicies() {
    RetryPolicyBuilder b = RetryPolicy.builder().maxAttempts(3);
    RetryPolicy three = b.build();
    RetryPolicy five = b.maxAttempts(5).build();
    assertThat(three.config().maxAttempts()).isEqualTo(3);
    assertThat(five.config().maxAttempts()).isEqualTo(5);
  }
}
