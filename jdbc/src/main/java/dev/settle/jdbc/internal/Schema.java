package dev.settle.jdbc.internal;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The log's tables: the shipped DDL per database, the version check on open, and the statements
 * of a database once its dialect is known.
 */
public final class Schema {
  /** The one schema version this release reads. */
  public static final int VERSION = 2;

  private final Sql sql;

  private Schema(Sql sql) {
    this.sql = sql;
  }

  /**
   * An opened log: its schema and its node.
   *
   * @param schema the schema, with the statements of the database's dialect
   * @param node the registered node
   */
  public record Opened(Schema schema, Node node) {}

  /** The statements of this database. */
  public Sql sql() {
    return sql;
  }

  /** The shipped DDL of {@code dialect}. */
  public static String text(Dialect dialect) {
    return resource("/dev/settle/jdbc/schema-" + dialect.id() + ".sql");
  }

  /** The DDL of {@code dialect} as statements; comment lines dropped. */
  public static List<String> statements(Dialect dialect) {
    return split(text(dialect));
  }

  /** The script that takes {@code dialect}'s tables from version {@code from} to the next. */
  public static String upgradeText(Dialect dialect, int from) {
    return resource("/dev/settle/jdbc/upgrade-" + from + "-to-" + (from + 1) + "-" + dialect.id() + ".sql");
  }

  /**
   * Brings the tables in {@code dataSource}'s database to {@link #VERSION}, applying each upgrade
   * script from the version they are at, in order; returns the version they were at. Tables at
   * this version are left alone; newer ones are refused.
   */
  public static int upgrade(DataSource dataSource) {
    try (Borrowed borrowed = Borrowed.from(dataSource)) {
      Connection c = borrowed.connection();
      c.setAutoCommit(true);
      Dialect dialect = Dialect.ofProduct(c.getMetaData().getDatabaseProductName());
      int found = version(c, dialect);
      if (found > VERSION) {
        throw new TransactionLogException(
            "the shared log's tables are at schema version " + found + only(found), null);
      }
      if (found < 1) {
        throw new TransactionLogException(
            "the shared log's tables are at schema version " + found + ", which no release wrote;"
                + " this release upgrades from version 1", null);
      }
      try (Statement s = c.createStatement()) {
        for (int v = found; v < VERSION; v++) {
          for (String statement : split(upgradeText(dialect, v))) {
            s.execute(statement);
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw new TransactionLogException("cannot upgrade the shared log's tables: " + e.getMessage(), e);
    }
  }

  private static String resource(String resource) {
    try (InputStream in = Schema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the schema file " + resource + " is missing from settle-jdbc");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TransactionLogException("cannot read the schema file " + resource, e);
    }
  }

  private static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    return statements;
  }

  /** Creates the tables in {@code dataSource}'s database, detecting its dialect. */
  public static void create(DataSource dataSource) {
    try (Borrowed borrowed = Borrowed.from(dataSource)) {
      Connection c = borrowed.connection();
      c.setAutoCommit(true);
      Dialect dialect = Dialect.ofProduct(c.getMetaData().getDatabaseProductName());
      try (Statement s = c.createStatement()) {
        for (String ddl : statements(dialect)) {
          s.execute(ddl);
        }
      }
    } catch (SQLException e) {
      throw new TransactionLogException("cannot create the shared log's tables: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the schema and registers the node.
   *
   * @throws TransactionLogException if the database cannot be reached or the schema is missing or
   *     at another version
   */
  public static Opened open(LogConfig config) {
    try (Borrowed borrowed = Borrowed.from(config.dataSource())) {
      Connection c = borrowed.connection();
      Dialect configured = config.dialect();
      Dialect dialect =
          configured != null
              ? configured
              : Dialect.ofProduct(c.getMetaData().getDatabaseProductName());
      Sql sql = new Sql(dialect, config.databaseClock());
      c.setAutoCommit(true);
      checkVersion(c, dialect);
      c.setAutoCommit(false);
      Node node = Node.open(config, sql, c);
      return new Opened(new Schema(sql), node);
    } catch (SQLException e) {
      throw new TransactionLogException(
          "cannot open the shared log for node " + config.node() + ": " + e.getMessage(), e);
    }
  }

  private static void checkVersion(Connection c, Dialect dialect) {
    int version = version(c, dialect);
    if (version != VERSION) {
      throw new TransactionLogException(
          "the shared log's tables are at schema version " + version + ", this release of"
              + " settle-jdbc reads version " + VERSION + only(version),
          null);
    }
  }

  /** The version the tables are at. */
  private static int version(Connection c, Dialect dialect) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM settle_log_version")) {
      if (!rs.next()) {
        throw new TransactionLogException(
            "the shared log's settle_log_version table is empty; run the schema again:"
                + " JdbcTransactionLog.schema(\"" + dialect.id() + "\")",
            null);
      }
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new TransactionLogException(
          "the shared log's tables are missing or unreadable in this database (" + e.getMessage()
              + "); create them with JdbcTransactionLog.createSchema(dataSource) or the DDL of"
              + " JdbcTransactionLog.schema(\"" + dialect.id() + "\")",
          e);
    }
  }

  private static String only(int version) {
    return version < VERSION
        ? "; upgrade them while no instance runs: JdbcTransactionLog.upgradeSchema(dataSource), or"
            + " by hand the scripts JdbcTransactionLog.upgradeScript(database, n) for n from " + version
            + " to " + (VERSION - 1)
        : "; a newer release wrote them: upgrade settle-jdbc on every instance";
  }

  /** Up to {@code limit} unfinished transactions of every node, oldest first; claims nothing. */
  public List<TransactionId> unfinished(LogConfig config, int limit) {
    try (Borrowed borrowed = Borrowed.from(config.dataSource());
        PreparedStatement read = borrowed.connection().prepareStatement(sql.unfinished)) {
      read.setInt(1, limit);
      List<TransactionId> ids = new ArrayList<>();
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          ids.add(new TransactionId(rs.getString(1)));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new TransactionLogException("cannot read the shared log: " + e.getMessage(), e);
    }
  }

  /** Every stored record of {@code tx}, in order, ended or not, owned by any node. */
  public List<LogRecord> records(LogConfig config, TransactionId tx) {
    try (Borrowed borrowed = Borrowed.from(config.dataSource());
        PreparedStatement older = borrowed.connection().prepareStatement(sql.olderRecords);
        PreparedStatement row = borrowed.connection().prepareStatement(sql.rowRecords)) {
      // The older rows first: they never change, while an append between the two reads only adds
      // to the row's records, so the result is a state the log was in or a later one.
      List<LogRecord> records = new ArrayList<>();
      older.setString(1, tx.value());
      try (ResultSet rs = older.executeQuery()) {
        while (rs.next()) {
          records.add(LogCodec.decode(rs.getBytes(1)));
        }
      }
      row.setString(1, tx.value());
      try (ResultSet rs = row.executeQuery()) {
        // No row, no history: an unknown or purged transaction.
        return rs.next() ? RecordBlob.history(tx, records, rs.getBytes(1), rs.getInt(2)) : List.of();
      }
    } catch (SQLException e) {
      throw new TransactionLogException("cannot read the shared log: " + e.getMessage(), e);
    }
  }

  /** The decision column of {@code tx}, read in a transaction of its own. */
  public Optional<Decision> decision(LogConfig config, TransactionId tx) {
    try (Borrowed borrowed = Borrowed.from(config.dataSource());
        PreparedStatement read = borrowed.connection().prepareStatement(sql.decision)) {
      read.setString(1, tx.value());
      try (ResultSet rs = read.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String code = rs.getString(1);
        if (code == null) {
          return Optional.empty();
        }
        return Optional.of(Sql.COMMIT.equals(code.trim()) ? Decision.COMMIT : Decision.ROLLBACK);
      }
    } catch (SQLException e) {
      throw new TransactionLogException("cannot read the shared log: " + e.getMessage(), e);
    }
  }
}
