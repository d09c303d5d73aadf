package dev.settle.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.xa.XaParticipant;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's 2PC example, run on two H2 file databases (H2 speaks XA too) in place of the
 * PostgreSQL ones it names.
 */
class TwoPhaseSnippetTest {
  @TempDir Path dir;

  @Test
  void theExampleMovesTheMoney() throws Exception {
    XADataSource pgXaDataSource1 = bank("bank1", 100);
    XADataSource pgXaDataSource2 = bank("bank2", 0);
    TransactionLog log = new InMemoryTransactionLog();

    // readme:begin twopc
    TwoPhaseCoordinator coordinator = TwoPhaseCoordinator.builder().log(log).build();
    XAConnection bank1 = pgXaDataSource1.getXAConnection(), bank2 = pgXaDataSource2.getXAConnection();
    XaParticipant p1 = new XaParticipant("bank1", bank1.getXAResource());
    XaParticipant p2 = new XaParticipant("bank2", bank2.getXAResource());
    Outcome outcome = coordinator.execute(TwoPhaseTransaction.builder()
        .enlist("bank1", p1).enlist("bank2", p2)
        .work(tx -> { debit(bank1.getConnection(), "A", 100); credit(bank2.getConnection(), "C", 100); })
        .build());
    // at start-up, and periodically: coordinator.recover(); XaRecovery.resolve(resource, coordinator);
    // readme:end

    try (coordinator) {
      assertThat(outcome).isInstanceOf(Outcome.Committed.class);
      assertThat(balance(pgXaDataSource1, "A")).isZero();
      assertThat(balance(pgXaDataSource2, "C")).isEqualTo(100);
    } finally {
      bank1.close();
      bank2.close();
    }
  }

  private XADataSource bank(String name, long opening) throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + dir.resolve(name) + ";DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE account(id VARCHAR PRIMARY KEY, balance BIGINT NOT NULL)");
      s.execute("INSERT INTO account VALUES ('A', " + opening + "), ('C', " + opening + ")");
    }
    return ds;
  }

  private static void debit(Connection c, String account, long amount) throws SQLException {
    credit(c, account, -amount);
  }

  private static void credit(Connection c, String account, long amount) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
      s.setLong(1, amount);
      s.setString(2, account);
      s.executeUpdate();
    }
  }

  private static long balance(XADataSource ds, String account) throws SQLException {
    try (Connection c = ((JdbcDataSource) ds).getConnection();
        PreparedStatement s = c.prepareStatement("SELECT balance FROM account WHERE id = ?")) {
      s.setString(1, account);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
