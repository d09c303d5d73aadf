package dev.settle.core.config;

import dev.settle.core.RetryPolicy;
import dev.settle.core.Scheduler;
import dev.settle.core.TransactionIdGenerator;

import dev.settle.core.event.TransactionListener;
import dev.settle.core.internal.check.Assert;

import dev.settle.core.internal.check.Identifiers;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The settings every protocol's builder shares. Each setter validates its argument at once. Left
 * unset: the system clock and scheduler, a shared pool of daemon threads, an in-memory log (with
 * a warning: it does not survive a process crash), time-ordered ids, {@link
 * RetryPolicy#ofDefaults()} and no listeners.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
public abstract class CoordinatorBuilder<B extends CoordinatorBuilder<B>> {
  private Clock clock = Clock.systemUTC();
  private @Nullable Executor executor;
  private Scheduler scheduler = Scheduler.system();
  private @Nullable TransactionLog log;
  private @Nullable TransactionIdGenerator idGenerator;
  private RetryPolicy phaseTwoRetry = RetryPolicy.ofDefaults();
  private final List<TransactionListener> listeners = new ArrayList<>();
  private @Nullable Random random;
  private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
  private String nodeName = DEFAULT_NODE_NAME;
  private @Nullable Duration recoverEvery;

  /** The default {@link #callTimeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

  /** The default {@link #nodeName(String)}. */
  public static final String DEFAULT_NODE_NAME = "settle";

  /** The longest {@link #nodeName(String)}: it shares an XA global id's 64 bytes with the id. */
  public static final int MAX_NODE_NAME_LENGTH = 16;

  /** For subclasses. */
  protected CoordinatorBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** The time source for deadlines, ids and events. */
  public B clock(Clock clock) {
    this.clock = Assert.notNull(clock, "clock");
    return self();
  }

  /** Runs phase-one calls in parallel; a direct executor ({@code Runnable::run}) runs them in turn. */
  public B executor(Executor executor) {
    this.executor = Assert.notNull(executor, "executor");
    return self();
  }

  /** Waits between retries. */
  public B scheduler(Scheduler scheduler) {
    this.scheduler = Assert.notNull(scheduler, "scheduler");
    return self();
  }

  /** Where records and decisions are stored. */
  public B log(TransactionLog log) {
    this.log = Assert.notNull(log, "log");
    return self();
  }

  /** Makes transaction ids. */
  public B idGenerator(TransactionIdGenerator idGenerator) {
    this.idGenerator = Assert.notNull(idGenerator, "idGenerator");
    return self();
  }

  /** How commit, confirm, cancel and compensate are retried before a branch is reported in doubt. */
  public B phaseTwoRetry(RetryPolicy phaseTwoRetry) {
    this.phaseTwoRetry = Assert.notNull(phaseTwoRetry, "phaseTwoRetry");
    return self();
  }

  /**
   * Adds a listener for every event. Listeners run synchronously on the thread that caused the
   * event, so a slow one slows every transaction; see {@link TransactionListener}.
   */
  public B listener(TransactionListener listener) {
    listeners.add(Assert.notNull(listener, "listener"));
    return self();
  }

  /** The source of retry jitter; seed it for reproducible runs. */
  public B random(Random random) {
    this.random = Assert.notNull(random, "random");
    return self();
  }

  /**
   * How long one phase-two call (commit, confirm, cancel, compensate) or one saga action may run
   * before the coordinator stops waiting: the call then counts as an unknown outcome, is retried
   * under the phase-two (or step) retry policy, and is reported in doubt when that is spent, so
   * {@code execute} always returns. Default {@link #DEFAULT_CALL_TIMEOUT}. The call runs on the
   * {@linkplain #executor(Executor) executor}; with a direct executor ({@code Runnable::run}, as
   * in simulations) a call that never returns cannot be abandoned, and only a call that returns
   * late is counted as timed out.
   */
  public B callTimeout(Duration callTimeout) {
    this.callTimeout = Assert.positive(callTimeout, "callTimeout");
    return self();
  }

  /**
   * This coordinator's stable name, at most {@value #MAX_NODE_NAME_LENGTH} letters, digits or
   * {@code . _ : -}. 2PC writes it into every XA branch id, so that a recovery scan of a database
   * shared by several coordinators resolves only its own branches. Give each coordinator that
   * shares a resource its own name, and keep it across restarts. Default {@value
   * #DEFAULT_NODE_NAME}.
   */
  public B nodeName(String nodeName) {
    String checked = Identifiers.check(nodeName, "nodeName");
    Assert.isTrue(
        checked.length() <= MAX_NODE_NAME_LENGTH,
        "nodeName must be at most " + MAX_NODE_NAME_LENGTH + " characters, was \"" + checked + "\"");
    this.nodeName = checked;
    return self();
  }

  /**
   * Runs {@link dev.settle.core.Coordinator#recover()} every {@code interval} on a daemon thread of the coordinator,
   * from {@code build()} until {@link dev.settle.core.Coordinator#close()}, waiting between passes with the
   * {@linkplain #scheduler(Scheduler) scheduler}. A pass that fails is logged at WARN and the next
   * one runs. Off by default: then call {@code recover()} yourself, at least once at start-up.
   * Several instances sharing one log use {@code settle-jdbc}'s {@code BackgroundRecovery} or
   * this, one per coordinator.
   */
  public B recoverEvery(Duration interval) {
    this.recoverEvery = Assert.positive(interval, "recoverEvery");
    return self();
  }

  /** The shared settings as they stand, with defaults filled in. */
  protected CoordinatorSettings settings() {
    TransactionLog chosenLog = log;
    if (chosenLog == null) {
      LoggerFactory.getLogger(getClass())
          .warn("no transaction log configured: using an in-memory log, lost if the process dies");
      chosenLog = new InMemoryTransactionLog();
    }
    Random chosenRandom = random == null ? new Random() : random;
    return new CoordinatorSettings(
        clock,
        executor == null ? DefaultExecutor.shared() : executor,
        scheduler,
        chosenLog,
        idGenerator == null
            ? TransactionIdGenerator.timeOrdered(clock, chosenRandom)
            : idGenerator,
        phaseTwoRetry,
        listeners,
        chosenRandom,
        callTimeout,
        nodeName,
        recoverEvery);
  }
}
