package dev.settle.testkit;

import java.util.Random;

/**
 * Seeded generators for property-style simulation tests, with no test framework behind them:
 * each draws from a {@link Random} you give it, so one seed reproduces every example.
 *
 * <pre>{@code
 * Random random = new Random(seed);
 * for (int i = 0; i < 100; i++) {
 *   SettleGenerators.simulation(random, 0.2, 40)
 *       .transactions(200)
 *       .runShrinking(world -> new MyScenario(world));
 * }
 * }</pre>
 *
 * A failing example throws {@link SimulationFailure} with its own replay line, so the loop's
 * seed is not needed to reproduce it; {@link Simulation#runShrinking} first looks for a smaller
 * failing run (no crashes, fewer faults, fewer transactions). Edge values (a rate of 0, no
 * crashes) are drawn more often than their share, as they are where fault combinations change.
 */
public final class SettleGenerators {
  /** The highest rate {@link #faultPlan} accepts: five rates at most this much sum to 1. */
  public static final double MAX_RATE = 0.2;

  /** One draw in this many is an edge value rather than a uniform one. */
  private static final int EDGE_ODDS = 4;

  private SettleGenerators() {}

  /**
   * A fault plan whose five rates are each between 0 and {@code max}, in steps of 0.001 (so a
   * replay line stays short); each rate is 0 about a quarter of the time.
   *
   * @throws IllegalArgumentException if {@code max} is not between 0 and {@link #MAX_RATE}
   */
  public static FaultPlan faultPlan(Random random, double max) {
    if (!(max >= 0 && max <= MAX_RATE)) {
      throw new IllegalArgumentException("max must be between 0 and " + MAX_RATE + ", was " + max);
    }
    int steps = (int) Math.round(max * 1000);
    return new FaultPlan(
        rate(random, steps), rate(random, steps), rate(random, steps), rate(random, steps),
        rate(random, steps));
  }

  /**
   * A crash interval for {@link Simulation#crashEvery} from 0 (never) to {@code max} appends;
   * 0 about a quarter of the time.
   *
   * @throws IllegalArgumentException if {@code max} is negative
   */
  public static int crashEvery(Random random, int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative, was " + max);
    }
    return max == 0 || random.nextInt(EDGE_ODDS) == 0 ? 0 : 1 + random.nextInt(max);
  }

  /** A seed for {@link Simulation#withSeed}, any long. */
  public static long seed(Random random) {
    return random.nextLong();
  }

  /**
   * A simulation with a drawn seed, a fault plan with rates up to {@code maxRate} and a crash
   * interval up to {@code maxCrashEvery}; set its transactions and run it.
   */
  public static Simulation simulation(Random random, double maxRate, int maxCrashEvery) {
    return Simulation.withSeed(seed(random))
        .faults(faultPlan(random, maxRate))
        .crashEvery(crashEvery(random, maxCrashEvery));
  }

  private static double rate(Random random, int steps) {
    if (steps == 0 || random.nextInt(EDGE_ODDS) == 0) {
      return 0;
    }
    return (1 + random.nextInt(steps)) / 1000.0;
  }
}
