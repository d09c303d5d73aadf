package dev.settle.jdbc;

import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/** Opening logs, building coordinators and reading rows, shared by the shared-log tests. */
final class SharedLogFixture {
  final DataSource dataSource;
  private final List<AutoCloseable> opened = new ArrayList<>();

  SharedLogFixture(DataSource dataSource) {
    this.dataSource = dataSource;
    JdbcTransactionLog.createSchema(dataSource);
    sql("DELETE FROM settle_record", "DELETE FROM settle_tx", "DELETE FROM settle_node");
  }

  /** A live node: heartbeat every 100 ms, lease 2 s. */
  JdbcTransactionLog live(String node) {
    return keep(
        JdbcTransactionLog.builder(dataSource, node)
            .leaseDuration(Duration.ofSeconds(2))
            .heartbeatInterval(Duration.ofMillis(100))
            .open());
  }

  /**
   * A node whose heartbeat never runs (its scheduler is shut down at once), with a short lease:
   * after {@code lease} it looks dead to its peers, as a crashed or paused process does.
   */
  JdbcTransactionLog dying(String node, Duration lease) {
    return dying(node, lease, dataSource);
  }

  /** {@link #dying(String, Duration)} on {@code through}, a wrapper around this fixture's database. */
  JdbcTransactionLog dying(String node, Duration lease, DataSource through) {
    return dying(node, lease, through, b -> b);
  }

  /** {@link #dying(String, Duration, DataSource)}, with further settings made by {@code settings}. */
  JdbcTransactionLog dying(
      String node, Duration lease, DataSource through, UnaryOperator<JdbcTransactionLog.Builder> settings) {
    ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
    JdbcTransactionLog log =
        settings.apply(
                JdbcTransactionLog.builder(through, node)
                    .leaseDuration(lease)
                    .heartbeatInterval(lease.dividedBy(2))
                    .heartbeatScheduler(stopped))
            .open();
    stopped.shutdownNow();
    return keep(log);
  }

  <T extends AutoCloseable> T keep(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  TccCoordinator tcc(JdbcTransactionLog log, Account... accounts) {
    return tcc(log, event -> {}, accounts);
  }

  TccCoordinator tcc(JdbcTransactionLog log, TransactionListener listener, Account... accounts) {
    var builder =
        TccCoordinator.builder()
            .log(log)
            .listener(listener)
            .phaseTwoRetry(RetryPolicy.none())
            .callTimeout(Duration.ofSeconds(30));
    for (Account a : accounts) {
      builder.participant(a);
    }
    return builder.build();
  }

  static TccTransaction transfer(Account from, Account to) {
    return TccTransaction.builder().branch("debit", from, "A:-1").branch("credit", to, "C:1").build();
  }

  static List<LogRecord> replay(JdbcTransactionLog log) {
    List<LogRecord> records = new ArrayList<>();
    log.replay(records::add);
    return records;
  }

  static LogRecord.Begin begin(String tx, String protocol) {
    return new LogRecord.Begin(new TransactionId(tx), protocol, 0, Long.MAX_VALUE);
  }

  /** The owner column of {@code tx}. */
  String owner(String tx) {
    try (Connection c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT owner_node, owner_epoch FROM settle_tx WHERE tx_id = ?")) {
      ps.setString(1, tx);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) + "@" + rs.getLong(2) : "none";
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The number of {@code tx}'s last record ({@code last_seq}): one less than how many it has. */
  long lastSeq(String tx) {
    try (Connection c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT last_seq FROM settle_tx WHERE tx_id = ?")) {
      ps.setString(1, tx);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces the records in {@code tx}'s row with one, framed right, that no codec version wrote. */
  void corrupt(String tx) {
    try (Connection c = direct();
        var ps = c.prepareStatement("UPDATE settle_tx SET records = ? WHERE tx_id = ?")) {
      ps.setBytes(1, new byte[] {0, 0, 0, 2, 0x7F, 0});
      ps.setString(2, tx);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void sql(String... statements) {
    try (Connection c = direct();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A connection for the test's own statements, each committed as it runs, whatever auto-commit
   * setting the data source hands out (the logs under test get the data source as it is).
   */
  Connection direct() throws SQLException {
    Connection c = dataSource.getConnection();
    c.setAutoCommit(true);
    return c;
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  void closeAll() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort between tests
      }
    }
    opened.clear();
  }
}
