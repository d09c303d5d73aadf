package dev.settle.testkit;

import dev.settle.core.RetryPolicy;
import java.time.Duration;

/**
 * The timeouts a simulated world runs its coordinators with, and from them the bound within which
 * {@code execute} must return (the bounded-calls invariant, {@link Invariants#boundedCall}).
 *
 * <p>{@link World#configure} applies {@link #call()} as the call timeout and {@link
 * #retryPolicy()} as the phase-two retry policy; scenarios apply {@link #phaseOne()} as their Try
 * or prepare timeout. A blocking fault holds a call for its timeout plus up to {@link
 * #overshoot()}: just past the point where a coordinator with a thread of its own would stop
 * waiting. (With the world's direct executor the coordinator cannot stop waiting, so in virtual
 * time every call costs what it took.)
 *
 * <p>The bound, for a transaction of {@code n} branches (saga: steps), is kept simple and
 * generous:
 *
 * <pre>
 *   n × (phaseOne + overshoot)                     phase one, the calls one after another
 * + n × attempts × (call + overshoot)              phase two, every attempt timing out
 * + n × (retryDuration + maxDelay)                 the pauses between attempts
 * </pre>
 *
 * @param phaseOne the Try or prepare timeout
 * @param call the call timeout of every phase-two call and saga action
 * @param attempts phase-two attempts before a branch is reported in doubt
 * @param retryDuration how long phase two keeps retrying one branch
 * @param maxDelay the longest pause between two attempts
 * @param overshoot how far past its timeout a blocking call runs, at most
 */
public record CallBudget(
    Duration phaseOne,
    Duration call,
    int attempts,
    Duration retryDuration,
    Duration maxDelay,
    Duration overshoot) {
  /** Checks the values. */
  public CallBudget {
    positive(phaseOne, "phaseOne");
    positive(call, "call");
    positive(retryDuration, "retryDuration");
    positive(maxDelay, "maxDelay");
    positive(overshoot, "overshoot");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
  }

  /**
   * The default: 1 s phase one, 2 s per call, and the core's default retry policy (8 attempts,
   * 1 s longest pause, 30 s in all); blocked calls overshoot by at most 100 ms.
   */
  public static CallBudget defaults() {
    return new CallBudget(
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        8,
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        Duration.ofMillis(100));
  }

  /** The phase-two retry policy this budget assumes: the core's defaults, with these limits. */
  public RetryPolicy retryPolicy() {
    return RetryPolicy.builder()
        .maxAttempts(attempts)
        .backoff(Duration.ofMillis(Math.min(10, maxDelay.toMillis())), maxDelay)
        .maxDuration(retryDuration)
        .build();
  }

  /** The longest {@code execute} may take for a transaction of {@code branches} branches. */
  public Duration bound(int branches) {
    long n = Math.max(1, branches);
    long over = overshoot.toMillis();
    long millis =
        n * (phaseOne.toMillis() + over)
            + n * attempts * (call.toMillis() + over)
            + n * (retryDuration.toMillis() + maxDelay.toMillis());
    return Duration.ofMillis(millis);
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
