package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The system scheduler really waits, and an interrupt ends the wait without being swallowed. */
class SchedulerTest {
  @Test
  void theSystemSchedulerWaitsAtLeastTheDelay() {
    long start = System.nanoTime();
    Scheduler.system().pause(Duration.ofMillis(40));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(40));
  }

  @Test
  void anInterruptedWaitFailsAndKeepsTheInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Scheduler.system().pause(Duration.ofSeconds(30)))
          .isInstanceOf(SettleException.class)
          .hasMessageContaining("interrupted while waiting")
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
