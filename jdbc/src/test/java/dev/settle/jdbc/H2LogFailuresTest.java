package dev.settle.jdbc;

import static dev.settle.jdbc.SharedLogFixture.begin;
import static dev.settle.jdbc.SharedLogFixture.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.testsupport.UrlDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared log when its database misbehaves, on H2: a pooled connection that broke while idle
 * is replaced and the append stored once; a database that cannot be reached fails the append
 * (never reports it stored) and the log works again once it is back; a damaged transaction is
 * reported once, not on every pass; and the read-only views (unfinished transactions, the lease,
 * the upgrade scripts) say what is there.
 */
class H2LogFailuresTest {
  private final BreakableDataSource db =
      new BreakableDataSource(
          new UrlDataSource("jdbc:h2:mem:fail-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", ""));
  private final SharedLogFixture fx = new SharedLogFixture(db);
  private final ScheduledExecutorService noHeartbeat = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() {
    db.down = false;
    fx.closeAll();
    noHeartbeat.shutdownNow();
  }

  private JdbcTransactionLog open(String node) {
    return fx.keep(JdbcTransactionLog.builder(db, node).heartbeatScheduler(noHeartbeat).open());
  }

  @Test
  void aConnectionThatBrokeWhileIdleIsReplacedAndTheAppendStoredOnce() {
    JdbcTransactionLog log = open("node-a");
    log.claim("tcc", "test");
    log.append(begin("before", "tcc"), true);
    db.breakAll();

    log.append(begin("after", "tcc"), true);

    assertThat(replay(log)).extracting(LogRecord::transactionId)
        .containsExactly(new TransactionId("before"), new TransactionId("after"));
    assertThat(log.commits()).isEqualTo(2);
  }

  @Test
  void anUnreachableDatabaseFailsTheAppendAndTheLogWorksAgainOnceItIsBack() {
    JdbcTransactionLog log = open("node-a");
    log.claim("tcc", "test");
    log.append(begin("before", "tcc"), true);
    db.breakAll();
    db.down = true;

    assertThatThrownBy(() -> log.append(begin("lost", "tcc"), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("cannot write to the shared log")
        .hasMessageContaining("database down");

    db.down = false;
    log.append(begin("after", "tcc"), true);
    assertThat(replay(log)).extracting(LogRecord::transactionId)
        .containsExactly(new TransactionId("before"), new TransactionId("after"));
  }

  /** A damaged transaction is left out of every replay, with one WARN, not one per pass. */
  @Test
  void aDamagedTransactionIsReportedOnceAndLeftOutOfEveryReplay() {
    try (CapturedLog captured = CapturedLog.of("dev.settle.jdbc.internal.Takeover")) {
      JdbcTransactionLog log = open("node-a");
      log.claim("tcc", "test");
      log.append(begin("healthy", "tcc"), true);
      log.append(begin("damaged", "tcc"), true);
      fx.corrupt("damaged");

      for (int pass = 0; pass < 3; pass++) {
        assertThat(replay(log)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("healthy"));
      }
      assertThat(captured.lines(Level.WARN, "")).singleElement()
          .satisfies(line -> assertThat(line).contains("damaged"));
    }
  }

  @Test
  void unfinishedTransactionsOfEveryNodeAreListedOldestFirstUpToTheLimit() {
    JdbcTransactionLog a = open("node-a");
    JdbcTransactionLog b = open("node-b");
    a.append(begin("first", "tcc"), true);
    SharedLogFixture.sleep(Duration.ofMillis(5));
    b.append(begin("second", "saga"), true);
    SharedLogFixture.sleep(Duration.ofMillis(5));
    TransactionId done = new TransactionId("done");
    a.append(List.of(begin("done", "tcc"), new LogRecord.End(done)), true);
    SharedLogFixture.sleep(Duration.ofMillis(5));
    a.append(begin("third", "tcc"), true);

    assertThat(a.unfinished(10)).containsExactly(
        new TransactionId("first"), new TransactionId("second"), new TransactionId("third"));
    assertThat(b.unfinished(2)).containsExactly(new TransactionId("first"), new TransactionId("second"));
    assertThat(a.unfinished(1)).containsExactly(new TransactionId("first"));
    assertThatThrownBy(() -> a.unfinished(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive, was 0");
  }

  @Test
  void renewingTheLeaseMovesItsEndAndTheLogNamesItsNodeAndEpoch() throws Exception {
    JdbcTransactionLog log = open("node-a");
    Timestamp before = leaseUntil("node-a");
    SharedLogFixture.sleep(Duration.ofMillis(50));
    log.renewLease();
    assertThat(leaseUntil("node-a")).isAfter(before);
    assertThat(log).hasToString("JdbcTransactionLog[node node-a, epoch " + log.epoch() + "]");
  }

  @Test
  void theUpgradeScriptsAreGivenForEachVersionAndDatabase() {
    for (String database : List.of("h2", "postgresql")) {
      assertThat(JdbcTransactionLog.upgradeScript(database, 1)).contains("settle_tx").isNotBlank();
    }
  }

  private Timestamp leaseUntil(String node) throws SQLException {
    try (Connection c = fx.direct();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT lease_until FROM settle_node WHERE node = '" + node + "'")) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }

  /**
   * A database whose connections can be broken (every connection handed out so far is closed
   * under its user, as by a server restart or a network cut while it sat in a pool: it and its
   * statements then fail) and which can be down (no new connection).
   */
  private static final class BreakableDataSource extends ForwardingDataSource {
    volatile boolean down;
    private final List<Connection> handedOut = new java.util.concurrent.CopyOnWriteArrayList<>();

    BreakableDataSource(DataSource inner) {
      super(inner);
    }

    void breakAll() {
      for (Connection c : handedOut) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // already gone
        }
      }
      handedOut.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLException("database down", "08001");
      }
      Connection c = super.getConnection();
      handedOut.add(c);
      return c;
    }
  }
}
