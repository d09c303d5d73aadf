package dev.settle.saga;

import dev.settle.core.CoordinatorBuilder;
import dev.settle.core.internal.Assert;
import dev.settle.saga.internal.SagaCoordinatorImpl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link SagaCoordinator}. Beyond the shared settings: the saga definitions that
 * recovery may need to resume, by name.
 */
public final class SagaCoordinatorBuilder extends CoordinatorBuilder<SagaCoordinatorBuilder> {
  private final Map<String, SagaDefinition> definitions = new LinkedHashMap<>();

  SagaCoordinatorBuilder() {}

  /**
   * Registers a definition so that recovery can resume its sagas after a restart.
   *
   * @throws IllegalArgumentException if another definition has the same name
   */
  public SagaCoordinatorBuilder definition(SagaDefinition definition) {
    Assert.notNull(definition, "definition");
    SagaDefinition previous = definitions.putIfAbsent(definition.name(), definition);
    Assert.isTrue(
        previous == null || previous == definition,
        "two saga definitions are named \"" + definition.name() + "\"");
    return this;
  }

  /** Builds the coordinator. */
  public SagaCoordinator build() {
    return new SagaCoordinatorImpl(settings(), definitions);
  }
}
