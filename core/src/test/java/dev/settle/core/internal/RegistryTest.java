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
}
