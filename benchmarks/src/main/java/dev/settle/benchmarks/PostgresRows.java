package dev.settle.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.jdbc.BackgroundRecovery;
import dev.settle.jdbc.JdbcTransactionLog;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * TCC on the shared PostgreSQL log against the server's own floor (one single-row INSERT plus
 * COMMIT per transaction, from 1 and from 64 connections), and the time a peer takes to finish a
 * killed node's transactions. Everything lives in schema {@value #SCHEMA}, dropped and created
 * afresh, so a given server's other data is never touched.
 */
final class PostgresRows {
  static final String GROUP = "postgres";
  static final String SCHEMA = "settle_bench";
  static final int TAKEOVER_TRANSACTIONS = 200;
  static final Duration TAKEOVER_LEASE = Duration.ofSeconds(1);
  static final Duration RECOVERY_INTERVAL = Duration.ofMillis(100);

  private final PostgresServer server;
  private final String url;
  private final AtomicLong floorIds = new AtomicLong();

  private PostgresRows(PostgresServer server) {
    this.server = server;
    this.url = server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
  }

  /** Measures every PostgreSQL row into {@code report}, or records why they were skipped. */
  static void measure(
      Timed.Windows windows,
      @Nullable String pgUrl,
      @Nullable String pgUser,
      @Nullable String pgPassword,
      Report report) {
    PostgresServer server;
    try {
      server = PostgresServer.find(pgUrl, pgUser, pgPassword);
    } catch (RuntimeException e) {
      report.skipped.put(GROUP, String.valueOf(e.getMessage()));
      return;
    }
    try (server) {
      PostgresRows rows = new PostgresRows(server);
      try {
        rows.prepare();
      } catch (SQLException | RuntimeException e) {
        report.skipped.put(GROUP, "cannot use " + server.description() + ": " + e.getMessage());
        return;
      }
      report.notes.add("postgres: " + server.description() + rows.version());
      try {
        rows.run(windows, report);
      } catch (RuntimeException e) {
        report.failed.put(GROUP, String.valueOf(e.getMessage()));
      }
    }
  }

  private void run(Timed.Windows windows, Report report) {
    try (HikariDataSource pool = pool(8)) {
      JdbcTransactionLog.createSchema(pool);
      for (int threads : new int[] {1, 64}) {
        compare(pool, threads, windows, report);
      }
      takeover(pool, report);
    }
  }

  private void prepare() throws SQLException {
    try (Connection c = DriverManager.getConnection(server.url(), server.user(), server.password());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
      s.execute("CREATE SCHEMA " + SCHEMA);
      s.execute("CREATE TABLE " + SCHEMA + ".bench_floor (id BIGINT PRIMARY KEY, body BYTEA NOT NULL)");
    }
  }

  private String version() {
    try (Connection c = DriverManager.getConnection(url, server.user(), server.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'),"
            + " current_setting('synchronous_commit')")) {
      rs.next();
      return "; PostgreSQL " + rs.getString(1) + ", fsync=" + rs.getString(2)
          + ", synchronous_commit=" + rs.getString(3);
    } catch (SQLException e) {
      return "";
    }
  }

  private HikariDataSource pool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(server.user());
    config.setPassword(server.password());
    config.setMaximumPoolSize(size);
    config.setPoolName("settle-bench");
    return new HikariDataSource(config);
  }

  /**
   * The floor (one ~100-byte row inserted and committed per transaction, one connection per
   * thread) and TCC with two in-memory participants, phase one on the calling thread as on the
   * file log, measured in alternating slices.
   */
  private void compare(HikariDataSource pool, int threads, Timed.Windows windows, Report report) {
    List<Connection> connections = new ArrayList<>();
    List<PreparedStatement> inserts = new ArrayList<>();
    byte[] body = new byte[100];
    try (JdbcTransactionLog log = JdbcTransactionLog.builder(pool, "bench-" + threads).open()) {
      for (int t = 0; t < threads; t++) {
        Connection c = DriverManager.getConnection(url, server.user(), server.password());
        connections.add(c);
        c.setAutoCommit(false);
        inserts.add(c.prepareStatement("INSERT INTO bench_floor (id, body) VALUES (?, ?)"));
      }
      TccParticipant n1 = Participants.tcc("n1", new Accounts());
      TccParticipant n2 = Participants.tcc("n2", new Accounts());
      TccCoordinator tcc =
          TccCoordinator.builder()
              .log(log)
              .nodeName("bench-" + threads)
              .executor(Runnable::run)
              .participant(n1)
              .participant(n2)
              .build();
      TccTransaction transfer =
          TccTransaction.builder().branch("debit", n1, new byte[0]).branch("credit", n2, new byte[0]).build();
      AtomicLong executed = new AtomicLong();
      Timed.Result[] results =
          Timed.compare(
              "pg-" + threads,
              threads,
              windows,
              t -> {
                PreparedStatement insert = inserts.get(t);
                insert.setLong(1, floorIds.incrementAndGet());
                insert.setBytes(2, body);
                insert.executeUpdate();
                connections.get(t).commit();
              },
              t -> {
                Outcome outcome = tcc.execute(transfer);
                executed.incrementAndGet();
                if (!(outcome instanceof Outcome.Committed)) {
                  throw new IllegalStateException("not committed: " + outcome);
                }
              });
      tcc.close();
      report.ops.put("pg-insert-commit-" + threads + "c", results[0].opsPerSecond());
      report.ops.put("tcc-pg-" + threads + "t", results[1].opsPerSecond());
      long groups = log.commits();
      long stored = log.appendsStored();
      report.notes.add(
          String.format(
              Locale.ROOT,
              "tcc on postgres log, %d thread%s: %.1f appends per transaction, %.1f appends per database commit,"
                  + " at most %d commits in flight",
              threads,
              threads == 1 ? "" : "s",
              executed.get() == 0 ? 0.0 : (double) stored / executed.get(),
              groups == 0 ? 0.0 : (double) stored / groups,
              log.mostGroupsInFlight()));
    } catch (SQLException e) {
      throw new IllegalStateException("floor on " + threads + " connections: " + e.getMessage(), e);
    } finally {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing after the run
        }
      }
    }
  }


  /**
   * A node with no heartbeat (as after {@code kill -9}) leaves {@value #TAKEOVER_TRANSACTIONS}
   * transactions in doubt (their Confirm failed, no retries); a live peer with {@link
   * BackgroundRecovery} finishes them. Measured from the killed node's last write, which is when
   * its lease was last renewed, until none is unfinished.
   */
  private static void takeover(HikariDataSource pool, Report report) {
    ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try (JdbcTransactionLog peerLog = JdbcTransactionLog.builder(pool, "bench-peer").open();
        JdbcTransactionLog deadLog =
            JdbcTransactionLog.builder(pool, "bench-dead")
                .leaseDuration(TAKEOVER_LEASE)
                .heartbeatInterval(TAKEOVER_LEASE.dividedBy(2))
                .heartbeatScheduler(stopped)
                .open()) {
      stopped.shutdownNow();
      TccCoordinator peer =
          TccCoordinator.builder()
              .log(peerLog)
              .nodeName("bench-peer")
              .executor(Runnable::run)
              .participant(Participants.tcc("n1", new Accounts()))
              .participant(Participants.tcc("n2", new Accounts()))
              .build();
      TccParticipant n1 = Participants.tcc("n1", new Accounts());
      TccParticipant failing = failingConfirm("n2");
      TccCoordinator dead =
          TccCoordinator.builder()
              .log(deadLog)
              .nodeName("bench-dead")
              .executor(Runnable::run)
              .phaseTwoRetry(RetryPolicy.none())
              .participant(n1)
              .participant(failing)
              .build();
      TccTransaction transfer =
          TccTransaction.builder().branch("debit", n1, new byte[0]).branch("credit", failing, new byte[0]).build();
      try (BackgroundRecovery recovery = BackgroundRecovery.every(RECOVERY_INTERVAL, peer)) {
        List<Future<Outcome>> left = new ArrayList<>();
        for (int i = 0; i < TAKEOVER_TRANSACTIONS; i++) {
          left.add(callers.submit(() -> dead.execute(transfer)));
        }
        for (Future<Outcome> f : left) {
          Outcome outcome = f.get();
          if (!(outcome instanceof Outcome.InDoubt)) {
            throw new IllegalStateException("expected in doubt, was " + outcome);
          }
        }
        long killed = System.nanoTime();
        long deadline = killed + Duration.ofSeconds(60).toNanos();
        while (unfinished(pool) > 0) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(unfinished(pool) + " still unfinished 60 s after the kill");
          }
          Thread.sleep(5);
        }
        double millis = (System.nanoTime() - killed) / 1e6;
        report.takeovers.add(
            new Report.Takeover(
                String.format(
                    Locale.ROOT,
                    "peer finishes %d tcc transactions of a killed node, lease %d ms",
                    TAKEOVER_TRANSACTIONS,
                    TAKEOVER_LEASE.toMillis()),
                TAKEOVER_TRANSACTIONS,
                millis,
                TAKEOVER_LEASE.toMillis()));
        report.notes.add(
            "takeover: the peer runs BackgroundRecovery every " + RECOVERY_INTERVAL.toMillis()
                + " ms, claiming up to 100 transactions per pass (the default batch); measured from"
                + " the killed node's last write, its last lease renewal");
      }
      peer.close();
      dead.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("takeover: " + e.getCause(), e.getCause());
    } finally {
      callers.shutdownNow();
    }
  }

  private static long unfinished(HikariDataSource pool) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM settle_tx WHERE ended = FALSE")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TccParticipant failingConfirm(String name) {
    return new TccParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void tryReserve(TccContext ctx) {}

      @Override
      public void confirm(TccContext ctx) {
        throw new IllegalStateException("confirm unavailable: this node is about to be killed");
      }

      @Override
      public void cancel(TccContext ctx) {}
    };
  }
}
