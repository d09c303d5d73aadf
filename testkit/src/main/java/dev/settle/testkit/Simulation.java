package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.TransactionImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs many transactions of a {@link Scenario} in one thread from one seed, with faults in every
 * participant call and coordinator crashes at log appends; then stops the faults, delivers every
 * held call, recovers, and checks that every transaction reached a clean end and that the
 * scenario's invariants hold. The same seed replays the same run, byte for byte.
 *
 * <pre>{@code
 * SimulationResult result = Simulation.withSeed(42)
 *     .faults(FaultPlan.uniform(0.02))
 *     .crashEvery(50)
 *     .transactions(10_000)
 *     .run(world -> new MyTccScenario(world));
 * }</pre>
 *
 * <p>{@link #runShrinking} does the same, and on a failure looks for a smaller run of the same
 * seed that still fails; {@link SettleGenerators} draws simulations for property-style tests.
 */
public final class Simulation {
  /** Consecutive crashed recoveries after which a run counts as never terminating. */
  private static final int MAX_RESTARTS = 1_000;

  /** Reruns a shrink may spend; each is a whole simulation, so the search stays bounded. */
  private static final int MAX_SHRINK_RUNS = 200;

  private final long seed;
  private FaultPlan plan = FaultPlan.none();
  private int crashEvery;
  private int transactions = 1_000;

  private Simulation(long seed) {
    this.seed = seed;
  }

  private Simulation(long seed, FaultPlan plan, int crashEvery, int transactions) {
    this.seed = seed;
    this.plan = plan;
    this.crashEvery = crashEvery;
    this.transactions = transactions;
  }

  /** A simulation of the run with this seed. */
  public static Simulation withSeed(long seed) {
    return new Simulation(seed);
  }

  /** The faults injected into participant calls (default: none). */
  public Simulation faults(FaultPlan plan) {
    if (plan == null) {
      throw new NullPointerException("plan must not be null");
    }
    this.plan = plan;
    return this;
  }

  /** Crashes the coordinator at every K-th log append (default 0: never). */
  public Simulation crashEvery(int appends) {
    if (appends < 0) {
      throw new IllegalArgumentException("crashEvery must not be negative, was " + appends);
    }
    this.crashEvery = appends;
    return this;
  }

  /** How many transactions to start (default 1,000). */
  public Simulation transactions(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("transactions must not be negative, was " + count);
    }
    this.transactions = count;
    return this;
  }

  /**
   * Runs the scenario made by {@code scenario} for a fresh world.
   *
   * @throws SimulationFailure if an invariant broke, naming the seed and the replay line
   */
  public <T> SimulationResult run(Function<World, Scenario<T>> scenario) {
    long started = System.nanoTime();
    World world = new World(seed, plan);
    Scenario<T> s = scenario.apply(world);
    CrashingTransactionLog log =
        new CrashingTransactionLog(new InMemoryTransactionLog(), crashEvery);
    Map<TransactionId, Outcome> last = new HashMap<>();
    long[] recoveries = {0};
    try {
      Coordinator<T> coordinator = restart(s, world, log, last, recoveries);
      for (int i = 0; i < transactions; i++) {
        T transaction = s.nextTransaction(world);
        try {
          Outcome outcome = coordinator.execute(transaction);
          last.put(outcome.transactionId(), outcome);
        } catch (SimulatedCrash crash) {
          coordinator = restart(s, world, log, last, recoveries);
        }
        world.tick(Duration.ofMillis(1 + world.random().nextInt(5)));
      }
      // Quiesce: faults stop, the network delivers what it held, recovery finishes the rest.
      world.faults().stop();
      world.faults().flushDelayed();
      log.disarm();
      restart(s, world, log, last, recoveries);
      checkTermination(log, last);
      s.checkInvariants(world);
    } catch (AssertionError | RuntimeException e) {
      if (e instanceof SimulationFailure failure) {
        throw failure;
      }
      throw new SimulationFailure(seed, replayLine(), e);
    }
    long committed = last.values().stream().filter(o -> o instanceof Outcome.Committed).count();
    long rolledBack = last.values().stream().filter(o -> o instanceof Outcome.RolledBack).count();
    return new SimulationResult(
        seed,
        transactions,
        committed,
        rolledBack,
        last.size() - committed - rolledBack,
        log.crashes(),
        recoveries[0],
        world.faults().stats(),
        System.nanoTime() - started);
  }

  /**
   * Runs like {@link #run}; when the run fails, shrinks it before reporting. With the same seed
   * it reruns smaller variants (no coordinator crashes, one fault kind switched off, one rate
   * halved, half the transactions), keeps the first that still fails and starts again from it,
   * until no variant fails or {@value #MAX_SHRINK_RUNS} reruns are spent.
   *
   * @throws SimulationFailure for the smallest failing run found: its message holds that run's
   *     replay line and the line of the run that failed first; that first failure is attached as
   *     a suppressed exception
   */
  public <T> SimulationResult runShrinking(Function<World, Scenario<T>> scenario) {
    SimulationFailure first;
    try {
      return run(scenario);
    } catch (SimulationFailure failure) {
      first = failure;
    }
    Simulation smallest = this;
    SimulationFailure smallestFailure = first;
    int steps = 0;
    int runs = 0;
    boolean shrunk = true;
    while (shrunk && runs < MAX_SHRINK_RUNS) {
      shrunk = false;
      for (Simulation candidate : smallest.smaller()) {
        if (runs++ >= MAX_SHRINK_RUNS) {
          break;
        }
        try {
          candidate.run(scenario);
        } catch (SimulationFailure failure) {
          smallest = candidate;
          smallestFailure = failure;
          steps++;
          shrunk = true;
          break;
        }
      }
    }
    if (steps == 0) {
      throw first;
    }
    SimulationFailure reported = new SimulationFailure(smallestFailure, replayLine(), steps);
    reported.addSuppressed(first);
    throw reported;
  }

  /** Variants of this run that inject less, each differing in one setting, most drastic first. */
  List<Simulation> smaller() {
    List<Simulation> variants = new ArrayList<>();
    if (crashEvery != 0) {
      variants.add(new Simulation(seed, plan, 0, transactions));
    }
    double[] rates = {plan.fail(), plan.timeout(), plan.duplicate(), plan.delay(), plan.restart()};
    for (int i = 0; i < rates.length; i++) {
      if (rates[i] > 0) {
        variants.add(withRate(i, rates, 0));
      }
    }
    for (int i = 0; i < rates.length; i++) {
      // Halved and cut to three decimals, so replay lines stay readable; 0 was tried above.
      double half = Math.floor(rates[i] * 500) / 1000;
      if (half > 0) {
        variants.add(withRate(i, rates, half));
      }
    }
    if (transactions > 1) {
      // The same seed runs the same prefix, so a failure early in the run survives this.
      variants.add(new Simulation(seed, plan, crashEvery, transactions / 2));
    }
    return variants;
  }

  private Simulation withRate(int index, double[] rates, double rate) {
    double[] r = rates.clone();
    r[index] = rate;
    return new Simulation(seed, new FaultPlan(r[0], r[1], r[2], r[3], r[4]), crashEvery, transactions);
  }

  /** The line that replays this run, as a failure reports it. */
  @Override
  public String toString() {
    return replayLine();
  }

  /** A fresh coordinator on the same log, recovered; a crash during recovery starts over. */
  private static <T> Coordinator<T> restart(
      Scenario<T> s,
      World world,
      CrashingTransactionLog log,
      Map<TransactionId, Outcome> last,
      long[] recoveries) {
    for (int attempt = 1; ; attempt++) {
      log.revive();
      Coordinator<T> coordinator = s.coordinator(world, log);
      try {
        recoveries[0]++;
        for (Outcome outcome : coordinator.recover()) {
          last.put(outcome.transactionId(), outcome);
        }
        return coordinator;
      } catch (SimulatedCrash crash) {
        // crashed while recovering: a new process tries again, but not forever
        if (attempt >= MAX_RESTARTS) {
          throw new AssertionError(
              "termination: recovery crashed " + attempt + " times in a row and never finished", crash);
        }
      }
    }
  }

  private static void checkTermination(CrashingTransactionLog log, Map<TransactionId, Outcome> last) {
    for (TransactionImage image : LogReplay.all(log).values()) {
      if (!image.ended()) {
        throw new AssertionError(
            "termination: transaction " + image.transactionId() + " is unfinished in the log after"
                + " faults stopped and recovery ran: " + image);
      }
    }
    for (Outcome outcome : last.values()) {
      if (!outcome.isClean()) {
        throw new AssertionError("termination: " + outcome + " is not clean after recovery");
      }
    }
  }

  private String replayLine() {
    return "Simulation.withSeed(" + seed + "L).faults(new FaultPlan(" + plan.fail() + ", "
        + plan.timeout() + ", " + plan.duplicate() + ", " + plan.delay() + ", " + plan.restart()
        + ")).crashEvery(" + crashEvery + ").transactions(" + transactions + ").run(...)";
  }
}
