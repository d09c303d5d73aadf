package dev.settle.examples.boot;

import dev.settle.core.Outcome;
import java.util.List;

/**
 * What the demo did.
 *
 * @param results each transfer and how it ended, in order
 * @param totalBefore the money in both banks before the first transfer (balances and reservations)
 * @param totalAfter the same after the last one
 * @param heldAfter reservations and announced credits left after the last transfer: zero once
 *     every transfer has ended
 */
public record Summary(List<Result> results, long totalBefore, long totalAfter, long heldAfter) {
  /** Copies the results. */
  public Summary {
    results = List.copyOf(results);
  }

  /**
   * One transfer and its outcome.
   *
   * @param transfer what was asked
   * @param outcome how it ended
   */
  public record Result(TransferDemo.Transfer transfer, Outcome outcome) {}

  /** Transfers that committed. */
  public long committed() {
    return count(Outcome.Committed.class);
  }

  /** Transfers that rolled back. */
  public long rolledBack() {
    return count(Outcome.RolledBack.class);
  }

  /** Transfers in doubt or with a mixed (heuristic) outcome: each needs recovery or a person. */
  public long unsettled() {
    return results.size() - committed() - rolledBack();
  }

  /** Whether no money appeared or vanished, and none is still held by an unfinished transfer. */
  public boolean conserved() {
    return totalBefore == totalAfter && heldAfter == 0;
  }

  /** Whether the run went as it must: money conserved and every transfer settled. */
  public boolean ok() {
    return conserved() && unsettled() == 0;
  }

  private long count(Class<? extends Outcome> kind) {
    return results.stream().filter(r -> kind.isInstance(r.outcome())).count();
  }
}
