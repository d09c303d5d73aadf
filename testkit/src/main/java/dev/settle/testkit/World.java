package dev.settle.testkit;

import dev.settle.core.config.CoordinatorBuilder;
import dev.settle.core.Scheduler;
import dev.settle.core.TransactionIdGenerator;
import dev.settle.core.event.TransactionListener;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * Everything a simulated run shares: one seeded random source, a virtual clock, a scheduler that
 * advances it instead of sleeping, a direct executor (one thread, a fixed order), the fault layer,
 * the {@link CallBudget} coordinators run with, a listener that may throw, an id generator that may
 * reuse ids, and the {@link AppliedLedger} participants record into. The same seed gives the same
 * run.
 */
public final class World {
  private final long seed;
  private final Random random;
  private final VirtualClock clock;
  private final Faults faults;
  private final ReusingIdGenerator ids;
  private final Scheduler scheduler;
  private final Executor executor = Runnable::run;
  private final CallBudget budget;
  private final FaultyListener listener;
  private final FaultPlan plan;
  private final AppliedLedger applied = new AppliedLedger();
  private boolean ledgerUsed;

  /** A world for {@code seed} with faults drawn from {@code plan} and the default budget. */
  public World(long seed, FaultPlan plan) {
    this(seed, plan, CallBudget.defaults());
  }

  /** A world for {@code seed} with faults drawn from {@code plan}, running within {@code budget}. */
  public World(long seed, FaultPlan plan, CallBudget budget) {
    this.seed = seed;
    this.plan = plan;
    this.budget = budget;
    this.random = new Random(seed);
    this.clock = new VirtualClock(1_700_000_000_000L);
    // Separate streams, so adding a fault draw does not change the ids and vice versa.
    this.faults = new Faults(new Random(seed * 31 + 7), plan, clock, budget);
    this.ids =
        new ReusingIdGenerator(
            TransactionIdGenerator.timeOrdered(clock, new Random(seed * 17 + 3)),
            new Random(seed * 13 + 5),
            plan.duplicateId());
    this.listener = new FaultyListener(new Random(seed * 11 + 1), plan.listenerError());
    this.scheduler = clock::advance;
  }

  /**
   * Applies this world's clock, executor, scheduler, ids, jitter source, call timeout and
   * phase-two retry policy (from the {@link #budget()}) to a builder, and its listener when
   * listener errors are planned.
   */
  public <B extends CoordinatorBuilder<B>> B configure(B builder) {
    B b =
        builder
            .clock(clock)
            .executor(executor)
            .scheduler(scheduler)
            .idGenerator(ids)
            .random(new Random(random.nextLong()))
            .callTimeout(budget.call())
            .phaseTwoRetry(budget.retryPolicy());
    return plan.listenerError() > 0 ? b.listener(listener) : b;
  }

  /**
   * An in-memory TCC fence on this world's virtual clock. A fence on the system clock would judge
   * every Try against today's date while the world's clock starts in 2023, refuse each one as
   * past its deadline, and a simulation would commit nothing.
   */
  public dev.settle.tcc.fence.InMemoryTccFence tccFence() {
    return new dev.settle.tcc.fence.InMemoryTccFence(clock, java.time.Duration.ofMinutes(10));
  }

  /** The seed this world was made from. */
  public long seed() {
    return seed;
  }

  /** The world's random source, for workloads. */
  public Random random() {
    return random;
  }

  /** Virtual time. */
  public VirtualClock clock() {
    return clock;
  }

  /** The fault layer. */
  public Faults faults() {
    return faults;
  }

  /** The timeouts coordinators run with; scenarios take their Try or prepare timeout from it. */
  public CallBudget budget() {
    return budget;
  }

  /** The fault plan this world draws from. */
  public FaultPlan plan() {
    return plan;
  }

  /**
   * The world's listener: throws {@link InjectedListenerError} at the planned share of events.
   * {@link #configure} registers it; hand it to any listener dispatch of your own as well.
   */
  public TransactionListener listener() {
    return listener;
  }

  /** The world's id generator: fresh ids, reusing an old one at the planned share of calls. */
  public TransactionIdGenerator ids() {
    return ids;
  }

  /**
   * Where the scenario's participants record what they applied. Asking for it turns on the
   * truthful-outcome check ({@link Invariants#truthfulOutcome}) for the run.
   */
  public synchronized AppliedLedger applied() {
    ledgerUsed = true;
    return applied;
  }

  /** Lets some virtual time pass. */
  public void tick(Duration duration) {
    clock.advance(duration);
  }

  /**
   * Ends the faults so that a run can be checked: the network stops failing and delivers every
   * call it held back, and {@code log} stops crashing its coordinator (the process restarts).
   * Build a coordinator on the log afterwards; its recovery pass finishes the rest.
   */
  public void quiesce(CrashingTransactionLog log) {
    faults.stop();
    faults.flushDelayed();
    log.disarm();
  }

  /** Whether a scenario asked for the ledger. */
  synchronized boolean ledgerUsed() {
    return ledgerUsed;
  }

  /** Whether the last id handed out was a reused one; clears the answer. */
  boolean takeReusedId() {
    return ids.takeLastReused();
  }

  /** Reused ids handed out so far. */
  long reusedIds() {
    return ids.reused();
  }

  /** Listener errors thrown so far. */
  long listenerErrors() {
    return listener.thrown();
  }
}
