package dev.settle.examples.remote;

import dev.settle.examples.files.JdbcShard;
import dev.settle.examples.wallet.Change;
import dev.settle.http.JdbcStepService;
import dev.settle.http.StepCall;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A saga step on a shard: the action applies the payload's {@link Change} (refused if the account
 * would go below zero), the compensation takes it back. The endpoint's JDBC fence commits each
 * with its barrier row.
 */
final class JdbcTransferStep implements JdbcStepService {
  private final String name;

  JdbcTransferStep(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void action(Connection connection, StepCall call) throws SQLException {
    Change change = Change.fromBytes(call.payload());
    JdbcShard.add(connection, change.account(), change.delta());
  }

  @Override
  public void compensate(Connection connection, StepCall call) throws SQLException {
    Change change = Change.fromBytes(call.payload());
    JdbcShard.add(connection, change.account(), -change.delta());
  }
}
