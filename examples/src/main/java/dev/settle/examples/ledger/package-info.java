/**
 * The event-sourced ledger: commands in a FIFO queue, validated, fulfilled as past-tense events,
 * applied by a deterministic state machine, replayed to any point, and read through a CQRS
 * projection.
 */
@NullMarked
package dev.settle.examples.ledger;

import org.jspecify.annotations.NullMarked;
