package dev.settle.testkit;

/**
 * An invariant broke in a simulated run. The message names the seed and the one line that
 * replays the run; the original assertion is the cause.
 */
public final class SimulationFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final long seed;

  SimulationFailure(long seed, String replay, Throwable cause) {
    super("simulation failed with seed " + seed + ": " + cause.getMessage() + "\n  replay: " + replay, cause);
    this.seed = seed;
  }

  /** The seed that reproduces the failure. */
  public long seed() {
    return seed;
  }
}
