/**
 * What every protocol's participants have in common: the base contract a participant implements. The service-provider interface: the types your code implements or receives, kept apart
 * from the types your code calls (builders, coordinators, outcomes) in {@code dev.settle.core}.
 */
@NullMarked
package dev.settle.core.spi;

import org.jspecify.annotations.NullMarked;
