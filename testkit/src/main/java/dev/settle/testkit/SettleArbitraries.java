package dev.settle.testkit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for simulations: fault plans that shrink toward fewer faults, crash
 * intervals that shrink toward no crash, and seeds. A failing property reports the seed, plan
 * and interval, and the {@link SimulationFailure} message holds the replay line.
 */
public final class SettleArbitraries {
  private SettleArbitraries() {}

  /** Fault plans with each rate between 0 and {@code max} (at most 0.2). */
  public static Arbitrary<FaultPlan> faultPlans(double max) {
    if (!(max >= 0 && max <= 0.2)) {
      throw new IllegalArgumentException("max must be between 0 and 0.2, was " + max);
    }
    Arbitrary<Double> rate = Arbitraries.doubles().between(0, max).ofScale(3).shrinkTowards(0);
    return Combinators.combine(rate, rate, rate, rate, rate).as(FaultPlan::new);
  }

  /** Crash intervals from 0 (never) to {@code max} appends; shrinks toward 0. */
  public static Arbitrary<Integer> crashEvery(int max) {
    return Arbitraries.integers().between(0, max).shrinkTowards(0);
  }

  /** Seeds. */
  public static Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }
}
