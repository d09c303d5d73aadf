package dev.settle.core;

import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.TransactionLog;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;

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
 */
public record CoordinatorSettings(
    Clock clock,
    Executor executor,
    Scheduler scheduler,
    TransactionLog log,
    TransactionIdGenerator idGenerator,
    RetryPolicy phaseTwoRetry,
    List<TransactionListener> listeners,
    Random random) {
  /** Copies the listener list. */
  public CoordinatorSettings {
    listeners = List.copyOf(listeners);
  }
}
