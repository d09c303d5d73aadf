package dev.settle.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A connection taken from the application's data source, given back as it was handed out. The
 * log shares the application's pool, and several pools do not reset what they are given back: a
 * connection left with auto-commit off, or in an open transaction, would reach the next borrower
 * that way, whose writes would then vanish uncommitted. Every connection the log takes goes
 * through here. One that cannot be put back as it came is aborted, so that no pool hands it out.
 */
final class Borrowed implements AutoCloseable {
  private final Connection connection;
  private final boolean autoCommit;
  /** The session's idle-in-transaction bound as handed out, where the log changes it; else null. */
  private @Nullable String idleLimitAsHandedOut;
  private boolean discard;

  private Borrowed(Connection connection, boolean autoCommit) {
    this.connection = connection;
    this.autoCommit = autoCommit;
  }

  /** A connection from {@code dataSource}, remembering its auto-commit as handed out. */
  static Borrowed from(DataSource dataSource) throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      return new Borrowed(c, c.getAutoCommit());
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  Connection connection() {
    return connection;
  }

  @Nullable String idleLimitAsHandedOut() {
    return idleLimitAsHandedOut;
  }

  void idleLimitAsHandedOut(String value) {
    idleLimitAsHandedOut = value;
  }

  /** The connection cannot be put back as it came: {@link #close} aborts it instead. */
  void discard() {
    discard = true;
  }

  /**
   * Ends any transaction left open (rolled back: the log commits what it keeps before it gives a
   * connection back), restores auto-commit, and closes; a connection that cannot be put back so
   * is aborted (a pool then drops it). It is closed whatever happens.
   */
  @Override
  public void close() throws SQLException {
    try {
      if (!discard && !connection.isClosed()) {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        if (connection.getAutoCommit() != autoCommit) {
          connection.setAutoCommit(autoCommit);
        }
      }
    } catch (SQLException broken) {
      discard = true;
    } finally {
      if (discard) {
        abortQuietly();
      }
      connection.close();
    }
  }

  private void abortQuietly() {
    try {
      connection.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      // already gone, or a driver without abort: closing is all that is left
    }
  }
}
