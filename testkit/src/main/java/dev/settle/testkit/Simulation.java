package dev.settle.testkit;

import dev.settle.core.Outcome;
import dev.settle.core.SettleException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.TransactionImage;
import dev.settle.core.log.spi.TransactionLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Runs many transactions of a {@link Scenario} in one thread from one seed, with faults in every
 * participant call and coordinator crashes at log appends; then stops the faults, delivers every
 * held call, recovers, and checks that every transaction reached a clean end and that the
 * scenario's invariants hold. The same seed replays the same run, byte for byte.
 *
 * <p>Besides the scenario's own invariants, every run checks: termination (every transaction
 * ends committed, rolled back or, after a heuristic answer, mixed); truthful outcomes, when the
 * scenario records into {@link World#applied()} ({@link Invariants#truthfulOutcome}, for every
 * outcome {@code execute} and {@code recover} reported); no re-run (no branch applied twice, no
 * phase-one call for a finished transaction); bounded calls ({@link Invariants#boundedCall}, each
 * {@code execute} within its {@link CallBudget}); one decision per transaction in the log; that an
 * interrupted caller keeps its interrupt flag; that no listener error escapes; that a second
 * coordinator recovering on the same log is refused with a {@link SettleException} if at all; and,
 * {@linkplain #onFileLog on the file log}, that every acknowledged record survives a crash and
 * the damage after it.
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
  static final int MAX_RESTARTS = 1_000;

  /** Reruns a shrink may spend; each is a whole simulation, so the search stays bounded. */
  private static final int MAX_SHRINK_RUNS = 200;

  private final long seed;
  private FaultPlan plan = FaultPlan.none();
  private int crashEvery;
  private int transactions = 1_000;
  private boolean allowNoCommits;
  private CallBudget budget = CallBudget.defaults();
  /** Negative: the in-memory log; else the file log, damaged at this share of crashes. */
  private double fileLogDamage = -1;
  private Function<Path, TransactionLog> fileLogOpener = DamagedFileLog::openFileLog;
  private boolean ownFileLog;

  private Simulation(long seed) {
    this.seed = seed;
  }

  private Simulation(long seed, FaultPlan plan, int crashEvery, int transactions) {
    this.seed = seed;
    this.plan = plan;
    this.crashEvery = crashEvery;
    this.transactions = transactions;
  }

  private Simulation copy(FaultPlan plan, int crashEvery, int transactions) {
    Simulation s = new Simulation(seed, plan, crashEvery, transactions);
    s.budget = budget;
    s.fileLogDamage = fileLogDamage;
    s.fileLogOpener = fileLogOpener;
    s.ownFileLog = ownFileLog;
    s.allowNoCommits = allowNoCommits;
    return s;
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

  /** The timeouts the world's coordinators run with, and execute's bound (default {@link CallBudget#defaults()}). */
  public Simulation budget(CallBudget budget) {
    if (budget == null) {
      throw new NullPointerException("budget must not be null");
    }
    this.budget = budget;
    return this;
  }

  /**
   * Runs on a real {@link dev.settle.core.log.FileTransactionLog} in a temporary directory instead
   * of the in-memory log. At each coordinator crash the files are closed and, at {@code
   * damageRate} of crashes, damaged before the restart: the append the crash interrupted written
   * and then torn somewhere inside, or a bit in it flipped, or an empty newer segment added. The
   * reopened log must keep every record of every append that returned, followed by at most an
   * intact prefix of the interrupted one, or refuse to open with a {@link
   * dev.settle.core.TransactionLogException} (the damage is then undone, as an operator would, and
   * the log opened again).
   */
  public Simulation onFileLog(double damageRate) {
    if (!(damageRate >= 0 && damageRate <= 1)) {
      throw new IllegalArgumentException("damageRate must be between 0 and 1, was " + damageRate);
    }
    this.fileLogDamage = damageRate;
    return this;
  }

  /**
   * Like {@link #onFileLog(double)}, on a file log of your own: {@code opener} opens it in a
   * directory (a fresh one per run, and again after every crash, once the previous instance is
   * closed). The damage targets files named as the Settle file log names its segments, {@code
   * segment-<12 digits>.log}.
   */
  public Simulation onFileLog(double damageRate, Function<Path, TransactionLog> opener) {
    onFileLog(damageRate);
    if (opener == null) {
      throw new NullPointerException("opener must not be null");
    }
    this.fileLogOpener = opener;
    this.ownFileLog = true;
    return this;
  }

  /**
   * Declares that the scenario expects no transaction to commit (a test of refusals, or of a
   * crash pattern under which nothing can finish). Without it, a run in which nothing commits
   * fails: its invariants were checked on nothing.
   */
  public Simulation allowingNoCommits() {
    this.allowNoCommits = true;
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
    World world = new World(seed, plan, budget);
    Scenario<T> s = scenario.apply(world);
    DamagedFileLog fileLog =
        fileLogDamage < 0
            ? null
            : new DamagedFileLog(new Random(seed * 23 + 9), fileLogDamage, fileLogOpener);
    TransactionLog base = fileLog == null ? new InMemoryTransactionLog() : fileLog;
    DecisionWatch decisions = new DecisionWatch(base);
    CrashingTransactionLog log = new CrashingTransactionLog(decisions, crashEvery);
    SimulatedRun<T> run = new SimulatedRun<>(s, world, log, decisions, fileLog, new Random(seed * 41 + 29));
    try {
      run.coordinator = run.restart(false);
      for (int i = 0; i < transactions; i++) {
        run.execute(s.nextTransaction(world));
        world.tick(Duration.ofMillis(1 + world.random().nextInt(5)));
      }
      // Quiesce: faults stop, the network delivers what it held, recovery finishes the rest.
      world.quiesce(log);
      run.restart(false);
      decisions.check();
      checkTermination(log, run.last);
      s.checkInvariants(world);
      run.checkAll(decisions);
    } catch (AssertionError | RuntimeException e) {
      if (e instanceof SimulationFailure failure) {
        throw failure;
      }
      Throwable cause = e;
      try {
        decisions.check(); // two decisions are the root of whatever else broke
      } catch (AssertionError contradiction) {
        contradiction.addSuppressed(e);
        cause = contradiction;
      }
      throw new SimulationFailure(seed, replayLine(), cause);
    } finally {
      Thread.interrupted();
      if (fileLog != null) {
        fileLog.delete();
      }
    }
    long committed = run.last.values().stream().filter(o -> o instanceof Outcome.Committed).count();
    long rolledBack = run.last.values().stream().filter(o -> o instanceof Outcome.RolledBack).count();
    if (committed == 0 && transactions > 0 && !allowNoCommits) {
      throw new SimulationFailure(seed, replayLine(), new AssertionError(vacuous(rolledBack)));
    }
    long mixed = run.last.values().stream().filter(o -> o instanceof Outcome.Mixed).count();
    return new SimulationResult(
        seed,
        transactions,
        committed,
        rolledBack,
        run.last.size() - committed - rolledBack - mixed,
        log.crashes(),
        run.recoveries,
        world.faults().stats(),
        System.nanoTime() - started,
        mixed,
        new WorldStats(
            run.interrupts,
            world.listenerErrors(),
            world.reusedIds(),
            run.refusals,
            run.rivals,
            run.rivalsRefused,
            fileLog == null ? 0 : fileLog.damages(),
            fileLog == null ? 0 : fileLog.refusedOpens()));
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
      variants.add(copy(plan, 0, transactions));
    }
    double[] rates = plan.rates();
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
      variants.add(copy(plan, crashEvery, transactions / 2));
    }
    return variants;
  }

  private Simulation withRate(int index, double[] rates, double rate) {
    double[] r = rates.clone();
    r[index] = rate;
    return copy(FaultPlan.of(r), crashEvery, transactions);
  }

  /** The line that replays this run, as a failure reports it. */
  @Override
  public String toString() {
    return replayLine();
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
      if (!outcome.isClean() && !(outcome instanceof Outcome.Mixed)) {
        throw new AssertionError("termination: " + outcome + " is not final after recovery");
      }
    }
  }

  private String vacuous(long rolledBack) {
    return "nothing committed: none of the " + transactions + " transactions committed (" + rolledBack
        + " rolled back), so the invariants were checked on nothing. Common causes: a fence or"
        + " participant on the system clock while the world's virtual clock starts in 2023, so"
        + " every Try is past its deadline (take fences from world.tccFence()); a workload that"
        + " always fails; faults or crashes so dense that nothing can finish. If the scenario"
        + " means nothing to commit, call allowingNoCommits()";
  }

  private String replayLine() {
    CallBudget b = budget;
    String budgetCall = b.equals(CallBudget.defaults())
        ? ""
        : ".budget(new CallBudget(Duration.ofMillis(" + b.phaseOne().toMillis() + "), Duration.ofMillis("
            + b.call().toMillis() + "), " + b.attempts() + ", Duration.ofMillis(" + b.retryDuration().toMillis()
            + "), Duration.ofMillis(" + b.maxDelay().toMillis() + "), Duration.ofMillis("
            + b.overshoot().toMillis() + ")))";
    return "Simulation.withSeed(" + seed + "L).faults(" + plan.toJava() + ").crashEvery(" + crashEvery
        + ")" + budgetCall
        + (fileLogDamage < 0 ? "" : ".onFileLog(" + fileLogDamage + (ownFileLog ? ", yourOpener" : "") + ")")
        + (allowNoCommits ? ".allowingNoCommits()" : "")
        + ".transactions(" + transactions + ").run(...)";
  }
}
