/**
 * What a 2PC participant implements: {@link dev.settle.twopc.spi.TwoPhaseParticipant}, the {@link dev.settle.twopc.spi.TwoPhaseContext} each call receives and the {@link dev.settle.twopc.spi.Vote} it answers prepare with. The service-provider interface: the types your code implements or receives, kept apart
 * from the types your code calls (builders, coordinators, outcomes) in {@code dev.settle.twopc}.
 */
@NullMarked
package dev.settle.twopc.spi;

import org.jspecify.annotations.NullMarked;
