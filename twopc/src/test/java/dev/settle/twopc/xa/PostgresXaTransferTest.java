package dev.settle.twopc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.testsupport.ThrowawayPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XADataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/** The XA transfer between two databases of a real PostgreSQL server. */
class PostgresXaTransferTest extends XaTransferContract {
  @Override
  XADataSource dataSource(String database) {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    pg.database(database);
    PGXADataSource ds = new PGXADataSource();
    ds.setServerNames(new String[] {pg.host()});
    ds.setPortNumbers(new int[] {pg.port()});
    ds.setDatabaseName(database);
    ds.setUser(pg.user());
    ds.setPassword(pg.password());
    return ds;
  }

  @Test
  void theServerAllowsPreparedTransactions() throws SQLException {
    try (Connection c = connect(bank1).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW max_prepared_transactions")) {
      rs.next();
      assertThat(Integer.parseInt(rs.getString(1))).isPositive();
    }
  }
}
