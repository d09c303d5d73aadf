package dev.settle.core.config;

import dev.settle.core.RetryPolicy;
import dev.settle.core.Scheduler;
import dev.settle.core.TransactionIdGenerator;

import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.TransactionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What every coordinator is given from outside: time, threads, the log, ids, the phase-two retry
 * policy and listeners. Injected, never static, so that a simulation can swap in virtual time, a
 * single thread and a seeded random source and replay a run exactly. Built by a protocol's
 * builder (a {@link CoordinatorBuilder}).
 *
 * @param clock the time source for deadlines, ids and events
 * @param executor runs phase-one calls in parallel (2PC prepare, TCC Try)
 * @param scheduler waits between retries
 * @param log where decisions are made durable
 * @param idGenerator makes transaction ids
 * @param phaseTwoRetry how commit, confirm, cancel and compensate are retried
 * @param listeners receive every event
 * @param random source of retry jitter
 * @param callTimeout how long one phase-two call (commit, confirm, cancel, compensate) or saga
 *     action may take before it counts as an unknown outcome and is retried
 * @param nodeName this coordinator's stable name, written into what it hands to resources (the
 *     XA branch ids of 2PC), so that a recovery scan can tell its branches from another
 *     coordinator's
 * @param recoverEvery how often a background thread of the coordinator runs {@code recover()},
 *     waiting with {@code scheduler}; null for never (the caller runs recovery)
 */
public record CoordinatorSettings(
    Clock clock,
    Executor executor,
    Scheduler scheduler,
    TransactionLog log,
    TransactionIdGenerator idGenerator,
    RetryPolicy phaseTwoRetry,
    List<TransactionListener> listeners,
    Random random,
    Duration callTimeout,
    String nodeName,
    @Nullable Duration recoverEvery) {
  /** Copies the listener list. */
  public CoordinatorSettings {
    listeners = List.copyOf(listeners);
  }
}
