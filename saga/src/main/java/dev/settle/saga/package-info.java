/**
 * Linear sagas: steps run first to last, each a local transaction of its own; when one fails,
 * the completed steps are compensated in reverse order. Start at {@link
 * dev.settle.saga.SagaDefinition} and {@link dev.settle.saga.SagaCoordinator}.
 */
@NullMarked
package dev.settle.saga;

import org.jspecify.annotations.NullMarked;
