/**
 * JMH benchmarks: Settle per protocol, with the in-memory and the durable log, against the physical
 * floors (two locked map updates; one append plus force), and the {@code ratios} runner that
 * measures them in one run.
 */
@NullMarked
package dev.settle.benchmarks;

import org.jspecify.annotations.NullMarked;
