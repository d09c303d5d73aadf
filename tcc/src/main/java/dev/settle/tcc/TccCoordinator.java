package dev.settle.tcc;

import dev.settle.core.Coordinator;

/**
 * Runs TCC transactions: logs the branches, runs every Try in parallel, logs the decision
 * (confirm if every Try succeeded in time, cancel otherwise), then confirms or cancels every
 * branch with retries. A branch whose Try timed out, or that was never reached, is cancelled too.
 *
 * <pre>{@code
 * TccCoordinator coordinator = TccCoordinator.builder()
 *     .log(log)
 *     .participant(shard1).participant(shard2)   // found again by name during recovery
 *     .tryTimeout(Duration.ofSeconds(2))
 *     .build();
 * coordinator.recover();                          // finish what a crash left behind
 * }</pre>
 *
 * <p>Thread-safe, as every {@link Coordinator}: share one instance among the threads that run
 * transactions; the Tries of one transaction run in parallel on the builder's executor.
 */
public interface TccCoordinator extends Coordinator<TccTransaction> {
  /** The protocol name written in this coordinator's log records. */
  String PROTOCOL = "tcc";

  /** A builder with validated defaults. */
  static TccCoordinatorBuilder builder() {
    return new TccCoordinatorBuilder();
  }
}
