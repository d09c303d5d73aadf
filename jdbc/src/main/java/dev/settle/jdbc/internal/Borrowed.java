package dev.settle.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A connection taken from the application's data source, given back as it was handed out. The
 * log shares the application's pool, and several pools do not reset what they are given back: a
 * connection left with auto-commit off, or in an open transaction, would reach the next borrower
 * that way, whose writes would then vanish uncommitted. Every connection the log takes goes
 * through here.
 */
final class Borrowed implements AutoCloseable {
  private final Connection connection;
  private final boolean autoCommit;

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

  /**
   * Ends any transaction left open (rolled back: the log commits what it keeps before it gives a
   * connection back), restores auto-commit, and closes. A connection that fails here is broken,
   * and a pool discards it; it is closed whatever happens.
   */
  @Override
  public void close() throws SQLException {
    try {
      if (!connection.isClosed()) {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        if (connection.getAutoCommit() != autoCommit) {
          connection.setAutoCommit(autoCommit);
        }
      }
    } catch (SQLException broken) {
      // nothing of it is kept by the log, and a pool does not hand a broken connection out again
    } finally {
      connection.close();
    }
  }
}
