package dev.settle.examples.files;

import dev.settle.examples.wallet.Change;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.fence.JdbcTccParticipant;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A saga step's action and compensation as a JDBC participant, so that the TCC fence serves as
 * the step's barrier: the action runs as "try" (once; refused if its compensation came first),
 * the compensation as "cancel" (a no-op when the action never ran).
 */
final class JdbcSagaStep implements JdbcTccParticipant {
  private final String name;

  JdbcSagaStep(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void tryReserve(Connection c, TccContext ctx) throws SQLException {
    Change change = Change.fromBytes(ctx.payload());
    JdbcShard.add(c, change.account(), change.delta());
  }

  @Override
  public void confirm(Connection c, TccContext ctx) {
    // a saga step has no confirm: once applied it stays applied unless compensated
  }

  @Override
  public void cancel(Connection c, TccContext ctx) throws SQLException {
    Change change = Change.fromBytes(ctx.payload());
    JdbcShard.add(c, change.account(), -change.delta());
  }
}
