package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseParticipant;

import dev.settle.core.Coordinator;
import dev.settle.core.TransactionId;

/**
 * Runs two-phase commits with presumed abort: enlist, run the work, prepare every participant in
 * parallel (with a timeout), log the decision durably (one forced write per transaction), then
 * commit or roll back every prepared participant with retries. Read-only voters get no phase
 * two; a single participant gets a one-phase commit; a prepare that fails or times out aborts.
 *
 * <p>Outcomes never guess: a heuristic answer from a resource is logged and reported as {@link
 * dev.settle.core.Outcome.Mixed}; a one-phase commit whose answer is lost is reported in doubt
 * until {@link TwoPhaseParticipant#inquire} can tell what happened.
 *
 * <p>Mind the source's warning: every participant holds its locks from prepare until phase two
 * arrives, so a slow node or a coordinator crash blocks the others. Prefer TCC or a saga when
 * that is too costly.
 *
 * <p>Thread-safe, as every {@link Coordinator}: share one instance among the threads that run
 * transactions.
 */
public interface TwoPhaseCoordinator extends Coordinator<TwoPhaseTransaction> {
  /** The protocol name written in this coordinator's log records. */
  String PROTOCOL = "2pc";

  /** A builder with validated defaults. */
  static TwoPhaseCoordinatorBuilder builder() {
    return new TwoPhaseCoordinatorBuilder();
  }

  /**
   * This coordinator's {@linkplain dev.settle.core.config.CoordinatorBuilder#nodeName(String) node name},
   * written into every XA branch id it makes.
   */
  String nodeName();

  /**
   * Whether this coordinator instance is running {@code transactionId} right now (between its
   * start and the end of {@code execute}, or while recovery drives it). A recovery scan leaves the
   * branches of such a transaction alone: its decision may not be logged yet.
   */
  boolean isRunning(TransactionId transactionId);
}
