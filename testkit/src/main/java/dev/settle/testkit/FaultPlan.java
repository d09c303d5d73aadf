package dev.settle.testkit;

/**
 * How often each fault strikes a participant call, as probabilities from 0 to 1 whose sum is at
 * most 1. One draw per call picks at most one fault.
 *
 * @param fail the call fails before reaching the participant
 * @param timeout the call times out with an unknown outcome: it may or may not have taken effect
 * @param duplicate the call is delivered twice
 * @param delay a phase-one call (Try, prepare, saga action) is held back and delivered only after
 *     the next call of the same branch: a Cancel overtakes its Try
 * @param restart the participant crashes and restarts before the call, losing what it did not
 *     persist (only participants that implement {@link Restartable})
 */
public record FaultPlan(double fail, double timeout, double duplicate, double delay, double restart) {
  /** Checks that every rate is a probability and that together they are at most 1. */
  public FaultPlan {
    check(fail, "fail");
    check(timeout, "timeout");
    check(duplicate, "duplicate");
    check(delay, "delay");
    check(restart, "restart");
    double sum = fail + timeout + duplicate + delay + restart;
    if (sum > 1.0 + 1e-9) {
      throw new IllegalArgumentException("fault rates must add up to at most 1, were " + sum);
    }
  }

  /** No faults at all. */
  public static FaultPlan none() {
    return new FaultPlan(0, 0, 0, 0, 0);
  }

  /** Every kind of fault, each at {@code rate}, restarts included. */
  public static FaultPlan uniform(double rate) {
    return new FaultPlan(rate, rate, rate, rate, rate);
  }

  private static void check(double rate, String name) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " rate must be between 0 and 1, was " + rate);
    }
  }
}
