package dev.settle.core.internal;

import dev.settle.core.internal.check.Assert;
import dev.settle.core.spi.Participant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a coordinator builder registers for recovery (participants, saga definitions), by name, in
 * registration order. The one place that enforces the rule every protocol shares: a name is
 * registered once; the same object again is harmless, another object under a taken name is a
 * mistake that would make recovery call the wrong code, so it fails at once.
 *
 * @param <T> what is registered
 */
public final class Registry<T> {
  private final Map<String, T> byName = new LinkedHashMap<>();
  private final String kind;

  /**
   * An empty registry.
   *
   * @param kind what it holds, plural, for messages ("participants", "saga definitions")
   */
  public Registry(String kind) {
    this.kind = kind;
  }

  /**
   * Registers a participant under its {@linkplain ParticipantNames#of checked} name.
   *
   * @throws IllegalArgumentException if another participant has the same name, or its name is
   *     blank
   */
  public static <P extends Participant> void participant(Registry<P> registry, P participant) {
    Assert.notNull(participant, "participant");
    registry.add(ParticipantNames.of(participant, "registered with the coordinator"), participant);
  }

  /**
   * Registers {@code value} under {@code name}.
   *
   * @throws IllegalArgumentException if another object is registered under the same name
   */
  public void add(String name, T value) {
    Assert.notNull(value, "value");
    T previous = byName.putIfAbsent(name, value);
    Assert.isTrue(
        previous == null || previous == value,
        "two " + kind + " are named \"" + name + "\"; names must be unique");
  }

  /** A read-only view by name, in registration order. */
  public Map<String, T> asMap() {
    return Collections.unmodifiableMap(byName);
  }
}
