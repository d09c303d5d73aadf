package dev.settle.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
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
  /** Unused this long, a session's connection is checked before its next write. */
  static final Duration STALE_AFTER = Duration.ofSeconds(1);

  private static final int VALIDATION_SECONDS = 5;

  private final LogConfig config;
  private final Sql sql;
  private @Nullable Borrowed connection;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();
  /** When the connection was last handed out, by {@link System#nanoTime}. */
  private long lastUsed;

  WriteSession(LogConfig config, Sql sql) {
    this.config = config;
    this.sql = sql;
  }

  /** The connection, opened on first use (autocommit off). */
  Connection connection() throws SQLException {
    Borrowed c = connection;
    if (c == null) {
      c = sql.openForLockingWrites(config.dataSource(), config.lease());
      connection = c;
    }
    lastUsed = System.nanoTime();
    return c.connection();
  }

  /**
   * Drops the connection if it sat unused for {@link #STALE_AFTER} and no longer answers, so that
   * a connection the server or the network closed meanwhile is found before a write is sent on
   * it, not after, when the write's fate could not be told. Busy sessions are never checked: that
   * would cost every group a round trip.
   */
  void dropIfStale() {
    Borrowed c = connection;
    if (c == null || System.nanoTime() - lastUsed < STALE_AFTER.toNanos()) {
      return;
    }
    boolean valid;
    try {
      valid = c.connection().isValid(VALIDATION_SECONDS);
    } catch (SQLException e) {
      valid = false;
    }
    if (!valid) {
      close();
    }
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
    Borrowed c = connection;
    connection = null;
    if (c != null) {
      sql.closeLockingWrites(c);
    }
  }
}
