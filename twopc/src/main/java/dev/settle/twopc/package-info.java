/**
 * Two-phase commit with presumed abort: every participant prepares (votes), the decision is
 * logged durably, then every prepared participant commits or rolls back. Start at {@link
 * dev.settle.twopc.TwoPhaseCoordinator}.
 */
@NullMarked
package dev.settle.twopc;

import org.jspecify.annotations.NullMarked;
