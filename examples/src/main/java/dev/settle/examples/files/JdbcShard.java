package dev.settle.examples.files;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.xa.XaParticipant;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;

/**
 * One storage node as an H2 file database: an accounts table with a reserved column (for TCC),
 * the TCC fence table and a saga barrier table (the same fence schema).
 */
public final class JdbcShard {
  private final String name;
  private final String url;
  private final JdbcDataSource dataSource = new JdbcDataSource();
  /**
   * The shard's local transactions take their connections from a pool: opening an H2 session per
   * call costs more than the call, once many threads transfer at once.
   */
  private final JdbcConnectionPool pool;

  /**
   * The shard {@code name}, stored in {@code directory}. WRITE_DELAY=0 makes every commit reach
   * the file before it returns: by default H2 buffers commits for a second, and a killed process
   * loses them (the kill test caught exactly that: confirmed credits vanished).
   */
  public JdbcShard(String name, Path directory) {
    this(name, directory, Duration.ofSeconds(10));
  }

  /**
   * The shard {@code name}, stored in {@code directory}, whose statements wait at most {@code
   * lockTimeout} for a row another transaction holds. A shard served to remote callers keeps this
   * near their call timeout: a statement still waiting after its caller gave up only holds a
   * thread and its own locks longer, and under contention H2's waiters spin (a shard once spent
   * minutes of CPU in lock waits for calls nobody waited for).
   */
  public JdbcShard(String name, Path directory, Duration lockTimeout) {
    this.name = name;
    this.url = "jdbc:h2:file:" + directory.resolve(name).toAbsolutePath() + ";LOCK_TIMEOUT=" + lockTimeout.toMillis()
        + ";DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
    dataSource.setURL(url);
    dataSource.setUser("sa");
    pool = JdbcConnectionPool.create(dataSource);
    pool.setMaxConnections(64);
  }

  /** The shard's (and its participants') name. */
  public String name() {
    return name;
  }

  /** Connections for local transactions, pooled (up to 64). */
  public javax.sql.DataSource dataSource() {
    return pool;
  }

  /** XA connections for two-phase commit. */
  public XADataSource xaDataSource() {
    return dataSource;
  }

  /** A connection with auto-commit on. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, "sa", "");
  }

  /** Creates the tables if missing. */
  public void createTables() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS accounts (id VARCHAR(32) PRIMARY KEY,"
              + " balance BIGINT NOT NULL, reserved BIGINT NOT NULL DEFAULT 0)");
      for (String table : new String[] {"settle_tcc_fence", "settle_saga_barrier"}) {
        for (String ddl : JdbcTccFence.schema("h2").replace("settle_tcc_fence", table).split(";")) {
          if (!ddl.replaceAll("(?m)^--.*$", "").isBlank()) {
            s.execute(ddl);
          }
        }
      }
    }
  }

  /**
   * Sets each account to {@code cents} with nothing reserved, creating it if missing, in one local
   * transaction: set-up runs this again after a crash, before any transfer, so it must not fail
   * on accounts that already exist.
   */
  public void reset(List<String> accounts, long cents) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("MERGE INTO accounts (id, balance, reserved) KEY (id) VALUES (?, ?, 0)")) {
      c.setAutoCommit(false);
      for (String account : accounts) {
        ps.setString(1, account);
        ps.setLong(2, cents);
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
    }
  }

  /** Opens an account. */
  public void open(String account, long cents) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (id, balance) VALUES (?, ?)")) {
      ps.setString(1, account);
      ps.setLong(2, cents);
      ps.executeUpdate();
    }
  }

  /** Committed balances by account. */
  public Map<String, Long> balances() throws SQLException {
    Map<String, Long> balances = new LinkedHashMap<>();
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, balance FROM accounts ORDER BY id")) {
      while (rs.next()) {
        balances.put(rs.getString(1), rs.getLong(2));
      }
    }
    return balances;
  }

  /** Cents held in TCC reservations. */
  public long reserved() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(reserved), 0) FROM accounts")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Moves {@code delta} cents on {@code account} within the caller's transaction; refuses to go below zero. */
  /**
   * One 2PC transfer: the debit and the credit each an XA transaction on its shard, on XA
   * connections opened for this transfer, participants named after their shards.
   */
  static Outcome transferOverXa(
      Coordinator<TwoPhaseTransaction> coordinator,
      XADataSource debitShard,
      String debitShardName,
      XADataSource creditShard,
      String creditShardName,
      String from,
      String to,
      long cents)
      throws SQLException {
    XAConnection debit = debitShard.getXAConnection();
    try {
      XAConnection credit = creditShard.getXAConnection();
      try {
        return coordinator.execute(
            TwoPhaseTransaction.builder()
                .enlist("debit", new XaParticipant(debitShardName, debit.getXAResource()))
                .enlist("credit", new XaParticipant(creditShardName, credit.getXAResource()))
                .work(
                    tx -> {
                      // Both rows stay locked until phase two, across two databases that cannot
                      // see each other's waits: two transfers taking them in opposite order would
                      // wait for each other until the lock timeout. One global order (by account)
                      // makes that impossible.
                      if (from.compareTo(to) < 0) {
                        add(debit.getConnection(), from, -cents);
                        add(credit.getConnection(), to, cents);
                      } else {
                        add(credit.getConnection(), to, cents);
                        add(debit.getConnection(), from, -cents);
                      }
                    })
                .build());
      } finally {
        credit.close();
      }
    } finally {
      debit.close();
    }
  }

  public static void add(Connection c, String account, long delta) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ? AND balance + ? >= 0")) {
      ps.setLong(1, delta);
      ps.setString(2, account);
      ps.setLong(3, delta);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("insufficient funds or unknown account: " + account, "22000");
      }
    }
  }

  /** Moves {@code delta} cents between balance and reservation on {@code account}. */
  static void reserve(Connection c, String account, long cents) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE accounts SET balance = balance - ?, reserved = reserved + ? WHERE id = ? AND balance - ? >= 0")) {
      ps.setLong(1, cents);
      ps.setLong(2, cents);
      ps.setString(3, account);
      ps.setLong(4, cents);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("insufficient funds or unknown account: " + account, "22000");
      }
    }
  }

  /** Takes {@code cents} out of the reservation on {@code account}, back to the balance or not. */
  static void release(Connection c, String account, long cents, boolean backToBalance) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE accounts SET reserved = reserved - ?, balance = balance + ? WHERE id = ?")) {
      ps.setLong(1, cents);
      ps.setLong(2, backToBalance ? cents : 0);
      ps.setString(3, account);
      ps.executeUpdate();
    }
  }
}
