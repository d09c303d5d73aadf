package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void movesOnlyWhenToldForwardByAdvanceAndAnywhereBySet() {
    ManualClock clock = new ManualClock(1_000);
    assertThat(clock.millis()).isEqualTo(1_000);
    clock.advance(Duration.ofMillis(250));
    assertThat(clock.instant()).isEqualTo(Instant.ofEpochMilli(1_250));
    clock.set(10); // a jump back
    assertThat(clock.millis()).isEqualTo(10);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(clock.withZone(ZoneId.of("Asia/Seoul"))).isSameAs(clock);
  }

  @Test
  void refusesToAdvanceBackwards() {
    ManualClock clock = new ManualClock(1_000);
    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThat(clock.millis()).isEqualTo(1_000);
  }
}
