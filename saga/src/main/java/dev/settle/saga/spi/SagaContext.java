package dev.settle.saga.spi;


import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import java.util.Optional;

/**
 * What a step's action and compensation see: the saga's input, the results of earlier steps,
 * and where they are. Values are read and written through typed {@link SagaKey}s.
 */
public interface SagaContext {
  /** The saga's transaction id; use it with the step name as an idempotency key. */
  TransactionId transactionId();

  /** The step being run or compensated. */
  BranchId step();

  /** 1 for the first attempt of this action or compensation, more for retries. */
  int attempt();

  /**
   * The value under {@code key}.
   *
   * @throws IllegalStateException if no input or earlier step set it
   */
  <T> T get(SagaKey<T> key);

  /** The value under {@code key}, if any. */
  <T> Optional<T> find(SagaKey<T> key);

  /**
   * Sets a value for later steps and compensations. Logged with the step's end, so only values
   * put by an action that succeeded survive.
   */
  <T> void put(SagaKey<T> key, T value);
}
