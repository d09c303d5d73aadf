package dev.settle.spring.boot;

import dev.settle.core.spi.Participant;
import dev.settle.tcc.spi.TccContext;

/**
 * A TCC participant whose resource is the application's database, written through Spring
 * ({@code JdbcTemplate}, JPA, {@code @Repository} beans). Declare it as a bean: the starter
 * registers it under its {@link #name()} and runs each call inside one Spring-managed local
 * transaction that also writes the JDBC fence row, so the fence and the business change commit
 * together or roll back together. Repeats are no-ops, a Cancel before its Try is remembered, a
 * late Try is refused: the methods need none of that logic.
 *
 * <p>Throw to vote no from {@link #tryReserve}; the local transaction is rolled back. Confirm and
 * Cancel are retried until they return.
 */
public interface TransactionalTccParticipant extends Participant {
  /** Reserves what the branch needs, inside the current transaction. */
  void tryReserve(TccContext context);

  /** Makes the reservation final, inside the current transaction. */
  void confirm(TccContext context);

  /** Releases the reservation (or nothing, if nothing was reserved), inside the current transaction. */
  void cancel(TccContext context);
}
