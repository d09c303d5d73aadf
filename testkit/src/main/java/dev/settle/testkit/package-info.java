/**
 * Check coordinators and participants against the fault model: a deterministic world (virtual
 * clock, one thread, one seeded random source), fault-injecting proxies for every protocol's
 * participant SPI, coordinator crashes at log appends, invariant checks, and seeded generators
 * with shrinking for property-style tests. Start at {@link dev.settle.testkit.Simulation}.
 */
@NullMarked
package dev.settle.testkit;

import org.jspecify.annotations.NullMarked;
