package dev.settle.testkit;

/**
 * The coordinator process dies here. An {@link Error}, so that no coordinator code catches it:
 * it unwinds the coordinator like a real crash, and the simulation throws the coordinator away
 * and starts a new one on the same log.
 */
public final class SimulatedCrash extends Error {
  private static final long serialVersionUID = 1L;

  /** A crash at the given log append. */
  public SimulatedCrash(long append) {
    super("simulated coordinator crash at log append " + append, null, false, false);
  }
}
