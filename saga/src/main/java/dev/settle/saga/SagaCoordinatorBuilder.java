package dev.settle.saga;

import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.internal.check.Assert;
import dev.settle.core.internal.Registry;
import dev.settle.saga.internal.SagaCoordinatorImpl;

/**
 * Builds a {@link SagaCoordinator}. Beyond the shared settings: the saga definitions that
 * recovery may need to resume, by name.
 */
public final class SagaCoordinatorBuilder extends CoordinatorBuilder<SagaCoordinatorBuilder> {
  private final Registry<SagaDefinition> definitions = new Registry<>("saga definitions");

  SagaCoordinatorBuilder() {}

  /**
   * Registers a definition so that recovery can resume its sagas after a restart.
   *
   * @throws IllegalArgumentException if another definition has the same name
   */
  public SagaCoordinatorBuilder definition(SagaDefinition definition) {
    Assert.notNull(definition, "definition");
    definitions.add(definition.name(), definition);
    return this;
  }

  /** Builds the coordinator. */
  public SagaCoordinator build() {
    return new SagaCoordinatorImpl(settings(), definitions.asMap());
  }
}
