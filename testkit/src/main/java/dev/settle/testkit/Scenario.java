package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.log.spi.TransactionLog;

/**
 * What a simulation runs: your participants, wrapped in the world's {@link Faults}; a coordinator
 * built on a given log; a workload; and the invariants your resources must keep. Have your
 * participants record what they apply in {@link World#applied()}, and the run also checks that
 * every reported outcome tells the truth ({@link Invariants#truthfulOutcome}).
 *
 * @param <T> the coordinator's transaction type
 */
public interface Scenario<T> {
  /**
   * Builds a coordinator on {@code log}: at the start, and again after every crash. Configure it
   * with {@link World#configure} and register every participant, so recovery finds them.
   */
  Coordinator<T> coordinator(World world, TransactionLog log);

  /** The next transaction of the workload. */
  T nextTransaction(World world);

  /**
   * Checks the resources once the run is quiet (faults stopped, held calls delivered, recovery
   * finished). Throw {@link AssertionError} on a broken invariant; see {@link Invariants}.
   */
  void checkInvariants(World world);
}
