package dev.settle.jdbc;

import dev.settle.testsupport.UrlDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
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
  private static final class AutoCommitOff extends ForwardingDataSource {
    AutoCommitOff(DataSource inner) {
      super(inner);
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = super.getConnection();
      c.setAutoCommit(false);
      return c;
    }
  }
}
