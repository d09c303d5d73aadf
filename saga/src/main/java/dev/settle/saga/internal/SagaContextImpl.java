package dev.settle.saga.internal;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import dev.settle.saga.spi.SagaContext;
import dev.settle.saga.spi.SagaKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The context one attempt of one action or compensation sees. Puts are staged here and merged
 * into the saga's values only when the action succeeded, so a failed attempt leaves nothing.
 */
final class SagaContextImpl implements SagaContext {
  private final TransactionId tx;
  private final BranchId step;
  private final int attempt;
  private final Map<String, byte[]> values;
  private final Map<String, byte[]> staged = new LinkedHashMap<>();
  private final boolean compensating;

  SagaContextImpl(
      TransactionId tx, BranchId step, int attempt, Map<String, byte[]> values, boolean compensating) {
    this.tx = tx;
    this.step = step;
    this.attempt = attempt;
    this.values = values;
    this.compensating = compensating;
  }

  @Override
  public TransactionId transactionId() {
    return tx;
  }

  @Override
  public BranchId step() {
    return step;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public <T> T get(SagaKey<T> key) {
    return find(key)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "saga " + tx + " step " + step + ": no value for " + key.name()
                        + "; set it in the request or in an earlier step"));
  }

  @Override
  public <T> Optional<T> find(SagaKey<T> key) {
    Assert.notNull(key, "key");
    byte[] bytes = staged.containsKey(key.name()) ? staged.get(key.name()) : values.get(key.name());
    return bytes == null ? Optional.empty() : Optional.of(key.decode(bytes));
  }

  @Override
  public <T> void put(SagaKey<T> key, T value) {
    Assert.notNull(key, "key");
    if (compensating) {
      throw new IllegalStateException(
          "step " + step + ": a compensation cannot set values; nothing runs after it");
    }
    staged.put(key.name(), key.encode(value));
  }

  /** What this attempt put. */
  Map<String, byte[]> staged() {
    return staged;
  }
}
