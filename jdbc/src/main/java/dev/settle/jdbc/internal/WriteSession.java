package dev.settle.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One of the writer's connections, used by one group at a time, with the statements it has
 * prepared kept for the next group: a group then costs its round trips only, not a statement
 * preparation each. Opened lazily (through {@link Sql#openForLockingWrites}, so the session is
 * bounded in how long it may sit in an open transaction) and dropped whole when it fails.
 */
final class WriteSession {
  private final LogConfig config;
  private final Sql sql;
  private @Nullable Connection connection;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  WriteSession(LogConfig config, Sql sql) {
    this.config = config;
    this.sql = sql;
  }

  /** The connection, opened on first use (autocommit off). */
  Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null) {
      c = sql.openForLockingWrites(config.dataSource(), config.lease());
      connection = c;
    }
    return c;
  }

  /** {@code statement} prepared on this session's connection, its parameters and batch cleared. */
  PreparedStatement prepared(String statement) throws SQLException {
    PreparedStatement ps = prepared.get(statement);
    if (ps == null) {
      ps = connection().prepareStatement(statement);
      prepared.put(statement, ps);
    } else {
      ps.clearBatch(); // a batch that failed may have been left behind
      ps.clearParameters();
    }
    return ps;
  }

  /** Drops the connection and its statements; the next use opens a new one. */
  void close() {
    for (PreparedStatement ps : prepared.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // the connection is being dropped either way
      }
    }
    prepared.clear();
    Connection c = connection;
    connection = null;
    if (c != null) {
      sql.closeLockingWrites(c);
    }
  }
}
