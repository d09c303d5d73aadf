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
 * @param lostCommitAnswer per transaction: the answer to one of the node's commits while it runs
 *     the transaction is lost (the connection breaks as the commit goes out), the commit having
 *     been made or not, at random; the node cannot tell which and lives on
 */
public record NodeFaults(
    double crash, double pause, double concurrentClaim, double clockJump, double lostCommitAnswer) {
  /**
   * Checks that every rate is a probability and that crash, pause and lost commit answer (one
   * draw per transaction decides among them) add up to at most 1.
   */
  public NodeFaults {
    check(crash, "crash");
    check(pause, "pause");
    check(concurrentClaim, "concurrentClaim");
    check(clockJump, "clockJump");
    check(lostCommitAnswer, "lostCommitAnswer");
    if (crash + pause + lostCommitAnswer > 1.0 + 1e-9) {
      throw new IllegalArgumentException(
          "crash, pause and lostCommitAnswer rates must add up to at most 1, were "
              + (crash + pause + lostCommitAnswer));
    }
  }

  /** The faults before lost commit answers were one of them: none of those. */
  public NodeFaults(double crash, double pause, double concurrentClaim, double clockJump) {
    this(crash, pause, concurrentClaim, clockJump, 0);
  }

  /** No node faults: the nodes only share the log. */
  public static NodeFaults none() {
    return new NodeFaults(0, 0, 0, 0, 0);
  }

  /**
   * The node faults every run meets: 3% crashes, 4% pauses, 50% concurrent claims, 2% clock
   * jumps. Lost commit answers are not among them yet: with them, about one seed in sixty also
   * meets a lock timeout in H2 whose cause is not found yet (the invariants hold); ask for them
   * with {@link #withLostCommitAnswers}.
   */
  public static NodeFaults defaults() {
    return new NodeFaults(0.03, 0.04, 0.5, 0.02, 0);
  }

  /** These faults, and a commit answer lost in {@code rate} of the transactions. */
  public NodeFaults withLostCommitAnswers(double rate) {
    return new NodeFaults(crash, pause, concurrentClaim, clockJump, rate);
  }

  /** The Java expression that makes these faults, for replay lines. */
  String toJava() {
    return "new NodeFaults(" + crash + ", " + pause + ", " + concurrentClaim + ", " + clockJump + ", "
        + lostCommitAnswer + ")";
  }

  private static void check(double rate, String name) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " rate must be between 0 and 1, was " + rate);
    }
  }
}
