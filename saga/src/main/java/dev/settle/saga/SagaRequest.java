package dev.settle.saga;

import dev.settle.saga.spi.SagaKey;

import dev.settle.core.internal.check.Assert;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a saga: its definition and its input.
 *
 * <pre>{@code
 * Outcome outcome = coordinator.execute(
 *     SagaRequest.of(transfer).with(FROM, "A").with(TO, "C").with(AMOUNT, 100L));
 * }</pre>
 */
public final class SagaRequest {
  private final SagaDefinition definition;
  private final Map<String, byte[]> input;

  private SagaRequest(SagaDefinition definition, Map<String, byte[]> input) {
    this.definition = definition;
    this.input = input;
  }

  /** A run of {@code definition} with no input yet. */
  public static SagaRequest of(SagaDefinition definition) {
    return new SagaRequest(Assert.notNull(definition, "definition"), Map.of());
  }

  /** A copy of this request with one more input value. */
  public <T> SagaRequest with(SagaKey<T> key, T value) {
    Assert.notNull(key, "key");
    Map<String, byte[]> next = new LinkedHashMap<>(input);
    next.put(key.name(), key.encode(value));
    return new SagaRequest(definition, Collections.unmodifiableMap(next));
  }

  /** The saga to run. */
  public SagaDefinition definition() {
    return definition;
  }

  /** The input, encoded, by key name. */
  public Map<String, byte[]> input() {
    return input;
  }
}
