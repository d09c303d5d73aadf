/**
 * Micrometer meters for Settle. {@link dev.settle.micrometer.SettleMetrics} wraps a coordinator
 * (transactions by protocol, outcome and cause; active and in-doubt gauges; recovery), gives a
 * listener for branch calls and retries, and wraps a log (appends, batch sizes). No meter is tagged
 * with a transaction or branch id: tags stay few.
 */
@NullMarked
package dev.settle.micrometer;

import org.jspecify.annotations.NullMarked;
