package dev.settle.testkit;

/**
 * An invariant broke in a simulated run. The message names the seed and the one line that
 * replays the run; the original assertion is the cause. A failure from {@link
 * Simulation#runShrinking} describes the smallest failing run found and also names the run that
 * failed first.
 */
public final class SimulationFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final long seed;
  private final String replay;

  SimulationFailure(long seed, String replay, Throwable cause) {
    super("simulation failed with seed " + seed + ": " + cause.getMessage() + "\n  replay: " + replay, cause);
    this.seed = seed;
    this.replay = replay;
  }

  /** {@code smallest}, reported as the result of shrinking the run replayed by {@code original}. */
  SimulationFailure(SimulationFailure smallest, String original, int steps) {
    super(
        smallest.getMessage() + "\n  shrunk in " + steps + (steps == 1 ? " step" : " steps")
            + " from: " + original,
        smallest.getCause());
    this.seed = smallest.seed;
    this.replay = smallest.replay;
  }

  /** The seed that reproduces the failure. */
  public long seed() {
    return seed;
  }

  /** The one line of code that replays the failing run. */
  public String replay() {
    return replay;
  }
}
