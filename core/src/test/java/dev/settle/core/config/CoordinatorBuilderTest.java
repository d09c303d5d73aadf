package dev.settle.core.config;

import dev.settle.core.RetryPolicy;

import dev.settle.core.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoordinatorBuilderTest {
  /** The smallest protocol builder: exposes the settings. */
  static final class Probe extends CoordinatorBuilder<Probe> {
    CoordinatorSettings build() {
      return settings();
    }
  }

  @Test
  void fillsEveryDefault() {
    CoordinatorSettings s = new Probe().build();
    assertThat(s.clock()).isNotNull();
    assertThat(s.executor()).isNotNull();
    assertThat(s.log()).isInstanceOf(InMemoryTransactionLog.class);
    assertThat(s.idGenerator().next()).isNotNull();
    assertThat(s.phaseTwoRetry().config()).isEqualTo(RetryPolicy.ofDefaults().config());
    assertThat(s.listeners()).isEmpty();
  }

  @Test
  void keepsWhatItIsGiven() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    Clock clock = new ManualClock(5);
    Random random = new Random(3);
    CoordinatorSettings s =
        new Probe()
            .log(log)
            .clock(clock)
            .random(random)
            .executor(Runnable::run)
            .listener(e -> {})
            .build();
    assertThat(s.log()).isSameAs(log);
    assertThat(s.clock()).isSameAs(clock);
    assertThat(s.random()).isSameAs(random);
    assertThat(s.listeners()).hasSize(1);
  }

  @Test
  void rejectsNullsNamingTheSetting() {
    assertThatThrownBy(() -> new Probe().log(null)).hasMessage("log must not be null");
    assertThatThrownBy(() -> new Probe().clock(null)).hasMessage("clock must not be null");
    assertThatThrownBy(() -> new Probe().listener(null)).hasMessage("listener must not be null");
    assertThatThrownBy(() -> new Probe().phaseTwoRetry(null))
        .hasMessage("phaseTwoRetry must not be null");
  }
  /** 2PC writes the node name into every XA branch id, whose size is bounded: so is the name. */
  @Test
  void aNodeNameIsCheckedAndBounded() {
    String longest = "n".repeat(CoordinatorBuilder.MAX_NODE_NAME_LENGTH);
    assertThat(new Probe().nodeName(longest).build().nodeName()).isEqualTo(longest);
    assertThat(new Probe().nodeName("node-1.eu:a_b").build().nodeName()).isEqualTo("node-1.eu:a_b");
    assertThat(new Probe().build().nodeName()).isEqualTo(CoordinatorBuilder.DEFAULT_NODE_NAME);
    assertThatThrownBy(() -> new Probe().nodeName(longest + "n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodeName must be at most " + CoordinatorBuilder.MAX_NODE_NAME_LENGTH + " characters");
    assertThatThrownBy(() -> new Probe().nodeName("two words")).isInstanceOf(IllegalArgumentException.class);
  }
}
