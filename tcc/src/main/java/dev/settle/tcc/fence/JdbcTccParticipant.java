package dev.settle.tcc.fence;

import dev.settle.core.spi.Participant;
import dev.settle.tcc.spi.TccContext;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A TCC participant whose resource is a database. Each method does its business change on the
 * given connection and does not commit: {@link JdbcTccFence} writes the fence row on the same
 * connection and commits both together, or rolls both back.
 */
public interface JdbcTccParticipant extends Participant {
  /** Reserves, on {@code connection}, without committing. */
  void tryReserve(Connection connection, TccContext context) throws SQLException;

  /** Makes the reservation final, on {@code connection}, without committing. */
  void confirm(Connection connection, TccContext context) throws SQLException;

  /** Releases the reservation, on {@code connection}, without committing. */
  void cancel(Connection connection, TccContext context) throws SQLException;
}
