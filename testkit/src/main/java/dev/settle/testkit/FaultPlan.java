package dev.settle.testkit;

/**
 * How often each fault strikes, as probabilities from 0 to 1.
 *
 * <p>The first seven are faults of one participant call; their sum is at most 1, and one draw per
 * call picks at most one of them. The last four strike the world around the calls, each drawn on
 * its own.
 *
 * @param fail the call fails before reaching the participant
 * @param timeout the call times out with an unknown outcome: it may or may not have taken effect
 * @param duplicate the call is delivered twice
 * @param delay a phase-one call (Try, prepare, saga action) is held back and delivered only after
 *     the next call of the same branch: a Cancel overtakes its Try
 * @param restart the participant crashes and restarts before the call, losing what it did not
 *     persist (only participants that implement {@link Restartable})
 * @param block the call blocks past its timeout (the {@linkplain CallBudget budget}'s phase-one
 *     or call timeout): virtual time runs on beyond it, then the call is either applied (and
 *     answers late) or lost
 * @param heuristic a 2PC phase-two call is answered heuristically, as an XA resource may: the
 *     participant applies the opposite of what was asked (or, as a hazard, either side; or, when
 *     it is {@link PartlyApplicable}, part of the branch) and says so with a {@link
 *     dev.settle.core.HeuristicBranchException}
 * @param interrupt per transaction: the caller's thread is interrupted before or during {@code
 *     execute}; the flag is cleared afterwards
 * @param listenerError per event: the world's listener throws an {@link AssertionError}
 * @param duplicateId per transaction: the id generator hands out an id it handed out before
 * @param rivalRecovery per transaction: while it is in flight (at one of its participant calls, or
 *     just before one of its log appends is stored), a second coordinator built on the
 *     same log runs {@code recover()}
 */
public record FaultPlan(
    double fail,
    double timeout,
    double duplicate,
    double delay,
    double restart,
    double block,
    double heuristic,
    double interrupt,
    double listenerError,
    double duplicateId,
    double rivalRecovery) {
  /** Checks that every rate is a probability and that the per-call ones add up to at most 1. */
  public FaultPlan {
    check(fail, "fail");
    check(timeout, "timeout");
    check(duplicate, "duplicate");
    check(delay, "delay");
    check(restart, "restart");
    check(block, "block");
    check(heuristic, "heuristic");
    check(interrupt, "interrupt");
    check(listenerError, "listenerError");
    check(duplicateId, "duplicateId");
    check(rivalRecovery, "rivalRecovery");
    double sum = fail + timeout + duplicate + delay + restart + block + heuristic;
    if (sum > 1.0 + 1e-9) {
      throw new IllegalArgumentException("per-call fault rates must add up to at most 1, were " + sum);
    }
  }

  /** The classic five call faults; every newer fault off. */
  public FaultPlan(double fail, double timeout, double duplicate, double delay, double restart) {
    this(fail, timeout, duplicate, delay, restart, 0, 0, 0, 0, 0, 0);
  }

  /** No faults at all. */
  public static FaultPlan none() {
    return new FaultPlan(0, 0, 0, 0, 0);
  }

  /**
   * The classic five call faults (fail, timeout, duplicate, delay, restart), each at {@code
   * rate}; add the others with the {@code with...} methods.
   */
  public static FaultPlan uniform(double rate) {
    return new FaultPlan(rate, rate, rate, rate, rate);
  }

  /** This plan with calls that block past their timeout at {@code rate}. */
  public FaultPlan withBlock(double rate) {
    return with(5, rate);
  }

  /** This plan with heuristic answers to 2PC phase-two calls at {@code rate}. */
  public FaultPlan withHeuristic(double rate) {
    return with(6, rate);
  }

  /** This plan with interrupted callers at {@code rate} per transaction. */
  public FaultPlan withInterrupt(double rate) {
    return with(7, rate);
  }

  /** This plan with a listener that throws an error at {@code rate} per event. */
  public FaultPlan withListenerError(double rate) {
    return with(8, rate);
  }

  /** This plan with reused transaction ids at {@code rate} per transaction. */
  public FaultPlan withDuplicateId(double rate) {
    return with(9, rate);
  }

  /** This plan with a second coordinator recovering at {@code rate} per transaction. */
  public FaultPlan withRivalRecovery(double rate) {
    return with(10, rate);
  }

  /** Every rate, in the order of the record's components. */
  double[] rates() {
    return new double[] {
      fail, timeout, duplicate, delay, restart, block, heuristic, interrupt, listenerError, duplicateId,
      rivalRecovery
    };
  }

  /** The plan whose rates are {@code r}, in the order of {@link #rates()}. */
  static FaultPlan of(double[] r) {
    return new FaultPlan(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]);
  }

  /** This plan with rate {@code index} (in the order of {@link #rates()}) set to {@code rate}. */
  FaultPlan with(int index, double rate) {
    double[] r = rates();
    r[index] = rate;
    return of(r);
  }

  /** The Java expression that makes this plan, for replay lines. */
  String toJava() {
    StringBuilder s = new StringBuilder("new FaultPlan(");
    double[] r = rates();
    for (int i = 0; i < r.length; i++) {
      s.append(i == 0 ? "" : ", ").append(r[i]);
    }
    return s.append(')').toString();
  }

  private static void check(double rate, String name) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " rate must be between 0 and 1, was " + rate);
    }
  }
}
