package dev.settle.testkit;

/**
 * How many faults a run injected.
 *
 * @param failed calls failed before delivery
 * @param timedOut calls that timed out with an unknown outcome
 * @param duplicated calls delivered twice
 * @param delayed phase-one calls held back
 * @param cancelBeforeTry held calls delivered after a later call of their branch overtook them
 * @param restarts participant crashes and restarts
 */
public record FaultStats(
    long failed, long timedOut, long duplicated, long delayed, long cancelBeforeTry, long restarts) {
  /** All faults together. */
  public long total() {
    return failed + timedOut + duplicated + delayed + restarts;
  }
}
