package dev.settle.examples.files;

import dev.settle.examples.wallet.Protocol;
import dev.settle.jdbc.JdbcTransactionLog;
import dev.settle.tcc.fence.JdbcTccFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import javax.sql.XADataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * The wallet's layout on one PostgreSQL database: the shared coordinator log in the URL's own
 * schema, each shard in a schema {@code wallet_shard_N} (accounts, TCC fence, saga barrier; 2PC
 * branches are XA transactions on the shard's schema, prepared with PREPARE TRANSACTION), and
 * the settings the wallet was created with in {@code wallet_settings}. Set-up runs under an
 * advisory lock, because PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not safe against a
 * concurrent twin: several processes started at once would fail on the catalog's unique index.
 */
final class PgStore {
  /** Any constant shared by every wallet process; names the set-up lock. */
  private static final long SETUP_LOCK = 0x5e771e_0001L;

  private final String url;
  private final String user;
  private final String password;
  private final int poolSize;
  private final java.time.Duration holdLimit;
  private final java.util.Map<String, HikariDataSource> pools = new java.util.HashMap<>();

  /**
   * A store whose pooled sessions the server ends once they sit in an open transaction longer than
   * {@code holdLimit}: a process frozen in the middle of a participant's transaction would
   * otherwise keep its rows locked from the peers that took its transfers over.
   */
  PgStore(String url, String user, String password, int threads, java.time.Duration holdLimit) {
    this.holdLimit = holdLimit;
    this.url = url;
    this.user = user;
    this.password = password;
    this.poolSize = threads + 4; // the workers, the heartbeat, background recovery, a snapshot
  }

  /** The database holding the log and the settings. */
  DataSource main() {
    return pooled("log", dataSource(url));
  }

  /** Shard {@code i}'s schema. */
  DataSource shard(int i) {
    return pooled(shardSchema(i), dataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + shardSchema(i)));
  }

  /**
   * XA connections to shard {@code i}, for 2PC. A session that sits in an open transaction longer
   * than {@code holdLimit} is ended by the server: a process frozen mid-transfer would otherwise
   * keep its rows locked until it wakes, long after peers took its transaction over. Prepared
   * branches are not sessions, so the limit never touches them.
   */
  XADataSource xaShard(int i, java.time.Duration holdLimit) {
    PGXADataSource ds = new PGXADataSource();
    ds.setURL(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + shardSchema(i));
    if (user != null) {
      ds.setUser(user);
    }
    if (password != null) {
      ds.setPassword(password);
    }
    ds.setOptions("-c idle_in_transaction_session_timeout=" + Math.max(1, holdLimit.toMillis()));
    return ds;
  }

  static String shardSchema(int i) {
    return "wallet_shard_" + i;
  }

  private DataSource dataSource(String u) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(u);
    if (user != null) {
      ds.setUser(user);
    }
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
  }

  /** A pool over {@code ds}, each made once: a pool per shard and one for the log. */
  private synchronized DataSource pooled(String key, DataSource ds) {
    return pools.computeIfAbsent(key, k -> {
      HikariConfig config = new HikariConfig();
      config.setDataSource(ds);
      config.setPoolName("wallet-" + k);
      config.setMaximumPoolSize(poolSize);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(30_000);
      config.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + Math.max(1, holdLimit.toMillis()));
      return new HikariDataSource(config);
    });
  }

  /** Closes the pools. */
  void close() {
    pools.values().forEach(HikariDataSource::close);
  }

  /** Fails at once, in one line, if the server cannot be reached with these settings. */
  void check() {
    try (Connection c = dataSource(url).getConnection()) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new DataDirectoryException("cannot connect to PostgreSQL at " + url + ": "
          + e.getMessage().strip().lines().findFirst().orElse("") + "; check --jdbc-url, --jdbc-user,"
          + " --jdbc-password and that the server runs", e);
    }
  }

  /** The settings stored by the first process, if any. */
  Optional<FileWallet.Settings> settings() throws SQLException {
    try (Connection c = main().getConnection(); Statement s = c.createStatement()) {
      ResultSet exists = s.executeQuery("SELECT to_regclass('wallet_settings') IS NOT NULL");
      exists.next();
      if (!exists.getBoolean(1)) {
        return Optional.empty();
      }
      try (ResultSet rs = s.executeQuery("SELECT protocol, shards, accounts, opening FROM wallet_settings")) {
        return rs.next()
            ? Optional.of(new FileWallet.Settings(Protocol.of(rs.getString(1)), rs.getInt(2), rs.getInt(3), rs.getLong(4)))
            : Optional.empty();
      }
    }
  }

  /**
   * Creates what is missing and returns the settings in force: the first process's, whatever
   * later ones ask for. The accounts are inserted in the same database transaction as the
   * settings row, so a process killed during set-up leaves either nothing or everything.
   */
  FileWallet.Settings setUp(FileWallet.Settings wanted) throws SQLException {
    try (Connection c = main().getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_lock(" + SETUP_LOCK + ")");
      }
      try {
        JdbcTransactionLog.createSchema(main());
        Optional<FileWallet.Settings> existing = settings();
        if (existing.isPresent()) {
          return existing.get();
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS wallet_settings (protocol VARCHAR(8) NOT NULL,"
              + " shards INT NOT NULL, accounts INT NOT NULL, opening BIGINT NOT NULL)");
          String searchPath;
          try (ResultSet rs = s.executeQuery("SHOW search_path")) {
            rs.next();
            searchPath = rs.getString(1);
          }
          for (int i = 0; i < wanted.shards(); i++) {
            String schema = shardSchema(i);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            // The fence DDL names its table and index unqualified: run it inside the shard's schema.
            s.execute("SET LOCAL search_path TO " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".accounts (id VARCHAR(32) PRIMARY KEY,"
                + " balance BIGINT NOT NULL, reserved BIGINT NOT NULL DEFAULT 0)");
            for (String table : List.of("settle_tcc_fence", "settle_saga_barrier")) {
              for (String ddl : JdbcTccFence.schema("postgresql").replace("settle_tcc_fence", table).split(";")) {
                if (!ddl.replaceAll("(?m)^--.*$", "").isBlank()) {
                  s.execute(ddl);
                }
              }
            }
          }
          s.execute("SET LOCAL search_path TO " + searchPath);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO wallet_settings VALUES (?, ?, ?, ?)")) {
          ps.setString(1, wanted.protocol().flag());
          ps.setInt(2, wanted.shards());
          ps.setInt(3, wanted.accounts());
          ps.setLong(4, wanted.opening());
          ps.executeUpdate();
        }
        for (int a = 0; a < wanted.accounts(); a++) {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + shardSchema(a % wanted.shards())
              + ".accounts (id, balance) VALUES (?, ?)")) {
            ps.setString(1, "a" + a);
            ps.setLong(2, wanted.opening());
            ps.executeUpdate();
          }
        }
        c.commit();
        return wanted;
      } finally {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_unlock(" + SETUP_LOCK + ")");
        }
      }
    }
  }
}
