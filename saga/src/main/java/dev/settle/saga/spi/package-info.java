/**
 * What a saga step implements: {@link dev.settle.saga.spi.StepAction} (an action or a compensation) and the {@link dev.settle.saga.spi.SagaContext} it receives. The service-provider interface: the types your code implements or receives, kept apart
 * from the types your code calls (builders, coordinators, outcomes) in {@code dev.settle.saga}.
 */
@NullMarked
package dev.settle.saga.spi;

import org.jspecify.annotations.NullMarked;
