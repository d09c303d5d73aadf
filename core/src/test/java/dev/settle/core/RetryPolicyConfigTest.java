package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RetryPolicy#of} takes a config made by hand, say from a file: it must fail as the builder does. */
class RetryPolicyConfigTest {
  private static final Duration MS10 = Duration.ofMillis(10);
  private static final Duration S1 = Duration.ofSeconds(1);
  private static final Duration S30 = Duration.ofSeconds(30);

  @Test
  void aValidConfigMakesTheSamePolicyAsTheBuilder() {
    RetryPolicyConfig config = new RetryPolicyConfig(8, MS10, S1, 2.0, 0.5, S30);
    assertThat(RetryPolicy.of(config).config()).isEqualTo(RetryPolicy.ofDefaults().config());
  }

  @Test
  void noAttempts() {
    assertThatThrownBy(() -> RetryPolicy.of(new RetryPolicyConfig(0, MS10, S1, 2.0, 0.5, S30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be at least 1, was 0");
  }

  @Test
  void negativeBaseDelay() {
    assertThatThrownBy(
            () -> new RetryPolicyConfig(3, Duration.ofMillis(-1), S1, 2.0, 0.5, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("base delay must not be negative, was PT-0.001S");
  }

  @Test
  void baseDelayAboveMaxDelay() {
    assertThatThrownBy(() -> new RetryPolicyConfig(3, S30, S1, 2.0, 0.5, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("base delay PT30S must not exceed max delay PT1S");
  }

  @Test
  void zeroMaxDelay() {
    assertThatThrownBy(() -> new RetryPolicyConfig(3, Duration.ZERO, Duration.ZERO, 2.0, 0.5, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max delay must be positive, was PT0S");
  }

  @Test
  void shrinkingOrNotANumberMultiplier() {
    assertThatThrownBy(() -> new RetryPolicyConfig(3, MS10, S1, 0.5, 0.5, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("multiplier must be a finite number of at least 1, was 0.5");
    assertThatThrownBy(() -> new RetryPolicyConfig(3, MS10, S1, Double.NaN, 0.5, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiplier");
  }

  @Test
  void jitterOutsideZeroToOne() {
    assertThatThrownBy(() -> new RetryPolicyConfig(3, MS10, S1, 2.0, 1.5, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter must be between 0.0 and 1.0, was 1.5");
    assertThatThrownBy(() -> new RetryPolicyConfig(3, MS10, S1, 2.0, Double.NaN, S30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jitter");
  }

  @Test
  void noTimeToRetry() {
    assertThatThrownBy(() -> new RetryPolicyConfig(3, MS10, S1, 2.0, 0.5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDuration must be positive, was PT0S");
  }

  @Test
  void nullDurationsAndNullConfig() {
    assertThatThrownBy(() -> new RetryPolicyConfig(3, MS10, S1, 2.0, 0.5, nullDuration()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxDuration must not be null");
    assertThatThrownBy(() -> RetryPolicy.of(nullConfig()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config must not be null");
  }

  @Test
  void theBuilderFailsWithTheSameMessages() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5))
        .hasMessage("jitter must be between 0.0 and 1.0, was 1.5");
    assertThatThrownBy(() -> RetryPolicy.builder().backoff(S30, S1))
        .hasMessage("base delay PT30S must not exceed max delay PT1S");
  }

  @SuppressWarnings("NullAway")
  private static Duration nullDuration() {
    return null;
  }

  @SuppressWarnings("NullAway")
  private static RetryPolicyConfig nullConfig() {
    return null;
  }
}
