/**
 * What a TCC participant implements: {@link dev.settle.tcc.spi.TccParticipant} and the {@link dev.settle.tcc.spi.TccContext} each call receives. The service-provider interface: the types your code implements or receives, kept apart
 * from the types your code calls (builders, coordinators, outcomes) in {@code dev.settle.tcc}.
 */
@NullMarked
package dev.settle.tcc.spi;

import org.jspecify.annotations.NullMarked;
