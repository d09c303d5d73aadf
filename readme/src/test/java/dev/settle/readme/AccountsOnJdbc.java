package dev.settle.readme;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.fence.JdbcTccParticipant;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The README's JDBC participant: accounts in table {@code accounts(id, balance, reserved)}, the
 * payload "account:delta". Each call changes rows on the connection it is given and never
 * commits: the fence commits the change together with its own row.
 */
final class AccountsOnJdbc implements JdbcTccParticipant {
  private final String name;

  AccountsOnJdbc(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void tryReserve(Connection connection, TccContext context) throws SQLException {
    long delta = delta(context);
    if (delta < 0
        && update(connection, "UPDATE accounts SET balance = balance - ?, reserved = reserved + ?"
            + " WHERE id = ? AND balance >= " + -delta, -delta, context) != 1) {
      throw new SQLException("insufficient funds in " + account(context));
    }
  }

  @Override
  public void confirm(Connection connection, TccContext context) throws SQLException {
    long delta = delta(context);
    if (delta < 0) {
      update(connection, "UPDATE accounts SET reserved = reserved - ?, balance = balance + 0 * ?"
          + " WHERE id = ?", -delta, context);
    } else {
      update(connection, "UPDATE accounts SET balance = balance + ?, reserved = reserved + 0 * ?"
          + " WHERE id = ?", delta, context);
    }
  }

  @Override
  public void cancel(Connection connection, TccContext context) throws SQLException {
    long delta = delta(context);
    if (delta < 0) {
      update(connection, "UPDATE accounts SET reserved = reserved - ?, balance = balance + ?"
          + " WHERE id = ?", -delta, context);
    }
  }

  private static int update(Connection c, String sql, long amount, TccContext context)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, amount);
      s.setLong(2, amount);
      s.setString(3, account(context));
      return s.executeUpdate();
    }
  }

  private static String account(TccContext context) {
    return new String(context.payload(), StandardCharsets.UTF_8).split(":")[0];
  }

  private static long delta(TccContext context) {
    return Long.parseLong(new String(context.payload(), StandardCharsets.UTF_8).split(":")[1]);
  }
}
