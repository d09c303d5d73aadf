package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A dropped outcome may be a rollback or in doubt nobody saw: {@code execute} is marked so that
 * Error Prone (which fails this build on a dropped result of a method so marked) and IDEs flag it.
 */
class CheckReturnValueTest {
  @Test
  void executeIsMarkedAndTheMarkIsKeptForToolsThatReadClassFiles() throws Exception {
    assertThat(Coordinator.class.getMethod("execute", Object.class).isAnnotationPresent(CheckReturnValue.class))
        .isTrue();
  }
}
