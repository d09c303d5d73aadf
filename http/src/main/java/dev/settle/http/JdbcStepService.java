package dev.settle.http;

import dev.settle.core.spi.Participant;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The participant side of a remote saga step whose resource is a database. Each method does its
 * change on the given connection and does not commit: the endpoint's {@link
 * dev.settle.tcc.fence.JdbcTccFence} writes the step's fence row on the same connection and
 * commits both together, so a repeated action is skipped and an action that arrives after its
 * compensation is refused, whatever crashes in between.
 */
public interface JdbcStepService extends Participant {
  /** Runs the step's change on {@code connection}, without committing. Throw to refuse it. */
  void action(Connection connection, StepCall call) throws SQLException;

  /** Undoes the action on {@code connection}, without committing; only called after it ran. */
  void compensate(Connection connection, StepCall call) throws SQLException;
}
