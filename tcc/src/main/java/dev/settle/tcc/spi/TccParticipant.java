package dev.settle.tcc.spi;

import dev.settle.tcc.spi.TccContext;

import dev.settle.core.spi.Participant;

/**
 * One TCC resource. Each method is its own local transaction on the resource.
 *
 * <p>The coordinator may deliver any call more than once and, over a network, a Cancel may arrive
 * before its Try. Rather than handling that in every participant, wrap it in a fence ({@link
 * dev.settle.tcc.fence.InMemoryTccFence#protect}, or the JDBC fence for database resources),
 * which makes repeats no-ops and turns a late Try into a refusal.
 */
public interface TccParticipant extends Participant {
  /**
   * Reserves what the branch needs (moves an amount into a reservation so it cannot be spent
   * twice). Throw to vote no; the transaction is then cancelled everywhere.
   */
  void tryReserve(TccContext context);

  /** Makes the reservation final. Retried until it returns normally. */
  void confirm(TccContext context);

  /**
   * Releases the reservation; must also succeed when nothing was reserved (the Try failed, or
   * never arrived). Retried until it returns normally.
   */
  void cancel(TccContext context);
}
