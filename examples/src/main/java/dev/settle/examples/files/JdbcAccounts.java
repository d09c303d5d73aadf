package dev.settle.examples.files;

import dev.settle.examples.wallet.Change;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.fence.JdbcTccParticipant;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The shard's accounts as a JDBC TCC participant (payload: a {@link Change}). Try reserves a
 * debit; Confirm finalises a debit and applies a credit; Cancel releases a debit. Every call runs
 * in the fence's local transaction.
 */
public final class JdbcAccounts implements JdbcTccParticipant {
  private final String name;

  /** The participant named {@code name} (the shard's name). */
  public JdbcAccounts(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void tryReserve(Connection c, TccContext ctx) throws SQLException {
    Change change = Change.fromBytes(ctx.payload());
    if (change.delta() < 0) {
      JdbcShard.reserve(c, change.account(), -change.delta());
    }
  }

  @Override
  public void confirm(Connection c, TccContext ctx) throws SQLException {
    Change change = Change.fromBytes(ctx.payload());
    if (change.delta() < 0) {
      JdbcShard.release(c, change.account(), -change.delta(), false);
    } else {
      JdbcShard.add(c, change.account(), change.delta());
    }
  }

  @Override
  public void cancel(Connection c, TccContext ctx) throws SQLException {
    Change change = Change.fromBytes(ctx.payload());
    if (change.delta() < 0) {
      JdbcShard.release(c, change.account(), -change.delta(), true);
    }
  }
}
