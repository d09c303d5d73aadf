package dev.settle.testkit;

/**
 * How often each fault of the coordinator nodes strikes in a {@link SharedLogSimulation}, as
 * probabilities from 0 to 1. The faults of participant calls are the {@link FaultPlan}'s.
 *
 * @param crash per transaction and per recovery pass: the node running it dies at one of its log
 *     appends, before or after the append is stored; it comes back some transactions later, under
 *     its own name (a new epoch, which fences the dead one) or under a new one (its peers must take
 *     over what it left)
 * @param pause per transaction: the node running it freezes, at a participant call or just before
 *     a log append, for longer than its lease; meanwhile its peers renew their leases, recover and
 *     take over its transactions; then it wakes up and goes on writing
 * @param concurrentClaim per recovery pass that finds something to take over: another node's
 *     recovery runs while this node's takeover claim holds the rows it selected, two nodes
 *     claiming at once
 * @param clockJump per transaction: the database clock jumps forward by one to twenty leases, so
 *     every lease runs out at once, live nodes' included
 */
public record NodeFaults(double crash, double pause, double concurrentClaim, double clockJump) {
  /** Checks that every rate is a probability and that crash and pause add up to at most 1. */
  public NodeFaults {
    check(crash, "crash");
    check(pause, "pause");
    check(concurrentClaim, "concurrentClaim");
    check(clockJump, "clockJump");
    if (crash + pause > 1.0 + 1e-9) {
      throw new IllegalArgumentException("crash and pause rates must add up to at most 1, were " + (crash + pause));
    }
  }

  /** No node faults: the nodes only share the log. */
  public static NodeFaults none() {
    return new NodeFaults(0, 0, 0, 0);
  }

  /**
   * Every node fault, often enough that each run meets them all: 3% crashes, 4% pauses, 50%
   * concurrent claims, 2% clock jumps.
   */
  public static NodeFaults defaults() {
    return new NodeFaults(0.03, 0.04, 0.5, 0.02);
  }

  /** The Java expression that makes these faults, for replay lines. */
  String toJava() {
    return "new NodeFaults(" + crash + ", " + pause + ", " + concurrentClaim + ", " + clockJump + ")";
  }

  private static void check(double rate, String name) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " rate must be between 0 and 1, was " + rate);
    }
  }
}
