package dev.settle.tcc.fence;

import dev.settle.tcc.spi.TccContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A debit-only account table used through the JDBC fence. Payload: "account:amount". */
final class JdbcAccounts implements JdbcTccParticipant {
  static void createTables(Connection c, String dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS settle_tcc_fence");
      s.execute("DROP TABLE IF EXISTS accounts");
      for (String ddl : JdbcTccFence.schema(dialect).split(";")) {
        if (!ddl.replaceAll("(?m)^--.*$", "").isBlank()) {
          s.execute(ddl);
        }
      }
      s.execute(
          "CREATE TABLE accounts (id VARCHAR(16) PRIMARY KEY, balance BIGINT NOT NULL,"
              + " reserved BIGINT NOT NULL)");
    }
  }

  static void open(Connection c, String account, long balance) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, 0)")) {
      ps.setString(1, account);
      ps.setLong(2, balance);
      ps.executeUpdate();
    }
  }

  static long[] read(Connection c, String account) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT balance, reserved FROM accounts WHERE id = ?")) {
      ps.setString(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private static String account(TccContext ctx) {
    return new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[0];
  }

  private static long amount(TccContext ctx) {
    return Long.parseLong(new String(ctx.payload(), StandardCharsets.UTF_8).split(":")[1]);
  }

  @Override
  public String name() {
    return "jdbc-accounts";
  }

  @Override
  public void tryReserve(Connection c, TccContext ctx) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE accounts SET balance = balance - ?, reserved = reserved + ?"
                + " WHERE id = ? AND balance >= ?")) {
      long amount = amount(ctx);
      ps.setLong(1, amount);
      ps.setLong(2, amount);
      ps.setString(3, account(ctx));
      ps.setLong(4, amount);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("insufficient funds in " + account(ctx), "22000");
      }
    }
  }

  @Override
  public void confirm(Connection c, TccContext ctx) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE accounts SET reserved = reserved - ? WHERE id = ?")) {
      ps.setLong(1, amount(ctx));
      ps.setString(2, account(ctx));
      ps.executeUpdate();
    }
  }

  @Override
  public void cancel(Connection c, TccContext ctx) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE accounts SET reserved = reserved - ?, balance = balance + ? WHERE id = ?")) {
      ps.setLong(1, amount(ctx));
      ps.setLong(2, amount(ctx));
      ps.setString(3, account(ctx));
      ps.executeUpdate();
    }
  }
}
