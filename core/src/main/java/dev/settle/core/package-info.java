/**
 * The Settle API every protocol shares: identifiers, outcomes, the coordinator and participant
 * contracts, retry policy, the injected clock, executor and scheduler, and the exception hierarchy.
 */
@NullMarked
package dev.settle.core;

import org.jspecify.annotations.NullMarked;
