package dev.settle.testkit;

/**
 * How many faults a run injected into participant calls.
 *
 * @param failed calls failed before delivery
 * @param timedOut calls that timed out with an unknown outcome
 * @param duplicated calls delivered twice
 * @param delayed phase-one calls held back
 * @param cancelBeforeTry held calls delivered after a later call of their branch overtook them
 * @param restarts participant crashes and restarts
 * @param blocked calls that blocked past their timeout
 * @param heuristics heuristic answers given
 */
public record FaultStats(
    long failed,
    long timedOut,
    long duplicated,
    long delayed,
    long cancelBeforeTry,
    long restarts,
    long blocked,
    long heuristics) {
  /** Counts of the classic five faults; none blocked, no heuristic answers. */
  public FaultStats(
      long failed, long timedOut, long duplicated, long delayed, long cancelBeforeTry, long restarts) {
    this(failed, timedOut, duplicated, delayed, cancelBeforeTry, restarts, 0, 0);
  }

  /** All faults together. */
  public long total() {
    return failed + timedOut + duplicated + delayed + restarts + blocked + heuristics;
  }
}
