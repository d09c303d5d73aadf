package dev.settle.testkit;

/**
 * What a simulated run did.
 *
 * @param seed replays the run exactly
 * @param transactions transactions started
 * @param committed ended committed
 * @param rolledBack ended rolled back
 * @param inDoubt neither clean nor mixed after recovery (a broken termination invariant when faults have
 *     stopped; the simulation fails on it)
 * @param crashes coordinator crashes
 * @param recoveries recovery passes run
 * @param faults faults injected into participant calls
 * @param elapsedNanos real time the run took
 * @param mixed ended with a heuristic {@link dev.settle.core.Outcome.Mixed} outcome (final, and
 *     truthful when the participants say so)
 * @param world faults injected around the calls
 */
public record SimulationResult(
    long seed,
    long transactions,
    long committed,
    long rolledBack,
    long inDoubt,
    long crashes,
    long recoveries,
    FaultStats faults,
    long elapsedNanos,
    long mixed,
    WorldStats world) {
  /** Simulated transactions per second of real time. */
  public double transactionsPerSecond() {
    return elapsedNanos == 0 ? 0 : transactions * 1e9 / elapsedNanos;
  }
}
