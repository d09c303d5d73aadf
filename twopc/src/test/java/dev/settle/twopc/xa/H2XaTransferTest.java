package dev.settle.twopc.xa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XADataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The XA transfer on H2, the embedded default. File databases: H2 keeps prepared (in-doubt)
 * transactions only in persistent databases.
 */
class H2XaTransferTest extends XaTransferContract {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("settle-h2-xa-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** H2 learns of in-doubt branches only when it opens a database, so close and reopen both. */
  @Override
  void restartDatabases() throws SQLException {
    for (String db : new String[] {"bank1", "bank2"}) {
      try (Connection c =
              DriverManager.getConnection("jdbc:h2:file:" + DIR.resolve(db), "sa", "");
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      }
    }
  }

  @Override
  XADataSource dataSource(String database) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + DIR.resolve(database) + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }
}
