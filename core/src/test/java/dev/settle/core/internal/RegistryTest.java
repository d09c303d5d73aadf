package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegistryTest {
  @Test
  void theSameObjectTwiceIsHarmlessAnotherUnderATakenNameFails() {
    Registry<Object> registry = new Registry<>("saga definitions");
    Object one = new Object();
    registry.add("transfer", one);
    registry.add("transfer", one);
    assertThat(registry.asMap()).containsOnlyKeys("transfer");

    assertThatThrownBy(() -> registry.add("transfer", new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two saga definitions are named \"transfer\"");
  }

  @Test
  void keepsRegistrationOrderAndIsReadOnly() {
    Registry<String> registry = new Registry<>("participants");
    registry.add("b", "B");
    registry.add("a", "A");
    assertThat(registry.asMap().keySet()).containsExactly("b", "a");
    assertThatThrownBy(() -> registry.asMap().put("c", "C"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
  /**
   * A participant is registered under its name, which the log stores to find it after a restart:
   * a null or blank name is refused where it is registered, naming the participant, not later as
   * a bare NullPointerException deep in a map.
   */
  @Test
  void aParticipantIsRegisteredUnderItsOwnNameAndABadNameIsRefusedThere() {
    Registry<dev.settle.core.spi.Participant> registry = new Registry<>("participants");
    dev.settle.core.spi.Participant byClass = new dev.settle.core.spi.Participant() {};
    Registry.participant(registry, byClass);
    assertThat(registry.asMap()).containsOnlyKeys(byClass.getClass().getName());

    dev.settle.core.spi.Participant nameless =
        new dev.settle.core.spi.Participant() {
          @Override
          public String name() {
            return null;
          }

          @Override
          public String toString() {
            return "the nameless one";
          }
        };
    assertThatThrownBy(() -> Registry.participant(registry, nameless))
        .isInstanceOf(NullPointerException.class)
        .hasMessage(
            "participant the nameless one (registered with the coordinator) returned a null name from"
                + " name(); it needs a non-blank name that stays the same across restarts");
    dev.settle.core.spi.Participant blank =
        new dev.settle.core.spi.Participant() {
          @Override
          public String name() {
            return "  ";
          }
        };
    assertThatThrownBy(() -> Registry.participant(registry, blank))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("returned a blank name \"  \" from name()");
    assertThat(registry.asMap()).hasSize(1);
  }

  @Test
  void aReasonIsEmptyOnlyWithoutText() {
    assertThat(Reason.of("").isEmpty()).isTrue();
    assertThat(Reason.of("refused").isEmpty()).isFalse();
    assertThat(Reason.of("refused").branch()).isNull();
  }
}
