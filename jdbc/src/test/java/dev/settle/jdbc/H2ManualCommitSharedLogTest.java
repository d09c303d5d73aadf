package dev.settle.jdbc;

import dev.settle.testsupport.UrlDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The whole shared-log contract again, through a pool set to hand out connections with
 * auto-commit off (a common pool setting, and the JDBC default some drivers' pools use): every
 * statement the log relies on must be committed by the log itself, lease renewals, releases and
 * schema changes included, or it is lost when the connection goes back.
 */
class H2ManualCommitSharedLogTest extends SharedLogContract {
  @Override
  DataSource dataSource() {
    return new AutoCommitOff(
        new UrlDataSource(
            "jdbc:h2:mem:manual-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", ""));
  }

  /** Hands out its connections with auto-commit off. */
  private static final class AutoCommitOff implements DataSource {
    private final DataSource inner;

    AutoCommitOff(DataSource inner) {
      this.inner = inner;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = inner.getConnection();
      c.setAutoCommit(false);
      return c;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      Connection c = inner.getConnection(user, password);
      c.setAutoCommit(false);
      return c;
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return inner.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      inner.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      inner.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return inner.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
      return inner.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return inner.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return inner.isWrapperFor(iface);
    }
  }
}
