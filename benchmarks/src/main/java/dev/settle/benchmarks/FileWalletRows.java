package dev.settle.benchmarks;

import dev.settle.core.Outcome;
import dev.settle.examples.files.FileWallet;
import dev.settle.examples.wallet.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable wallet (TCC over H2 file shards, the coordinator's file log) at 16 threads against
 * the floor those files allow: one single-statement commit per operation, from 16 threads on 16
 * connections, on an H2 file database with the shards' settings in the same directory. A TCC
 * transfer needs four local commits (two Tries, two Confirms, each with its fence row) and the
 * log's forced appends, so the goal is 0.2 of the floor.
 */
final class FileWalletRows {
  static final String GROUP = "files";
  static final int THREADS = 16;

  private FileWalletRows() {}

  /** Measures the rows into {@code report}. */
  static void measure(Timed.Windows windows, Report report) {
    Path dir;
    try {
      dir = Files.createTempDirectory("settle-bench-files-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory: " + e, e);
    }
    List<Connection> connections = new ArrayList<>();
    List<PreparedStatement> updates = new ArrayList<>();
    try (FileWallet wallet = FileWallet.open(dir.resolve("wallet"), Protocol.TCC, 2, 64, 1_000_000_000L)) {
      // The floor's database: the same URL settings as a shard's (every commit on disk before it
      // returns), one row per thread so that the threads do not wait on each other's locks.
      String url = "jdbc:h2:file:" + dir.resolve("floor").toAbsolutePath() + ";LOCK_TIMEOUT=10000;DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE counters (id INT PRIMARY KEY, n BIGINT NOT NULL)");
        for (int t = 0; t < THREADS; t++) {
          s.execute("INSERT INTO counters VALUES (" + t + ", 0)");
        }
      }
      for (int t = 0; t < THREADS; t++) {
        Connection c = DriverManager.getConnection(url, "sa", "");
        connections.add(c);
        PreparedStatement update = c.prepareStatement("UPDATE counters SET n = n + 1 WHERE id = ?");
        update.setInt(1, t);
        updates.add(update);
      }
      AtomicLong index = new AtomicLong();
      Timed.Result[] results =
          Timed.compare(
              "files-" + THREADS,
              THREADS,
              windows,
              t -> updates.get(t).executeUpdate(), // autocommit: one statement, one commit
              t -> {
                Outcome outcome = wallet.transfer(7, index.getAndIncrement());
                if (outcome instanceof Outcome.InDoubt) {
                  throw new IllegalStateException("a transfer is in doubt: " + outcome);
                }
              });
      report.ops.put("h2-commit-" + THREADS + "t", results[0].opsPerSecond());
      report.ops.put("wallet-files-tcc-" + THREADS + "t", results[1].opsPerSecond());
    } catch (SQLException e) {
      throw new IllegalStateException("the durable wallet rows failed: " + e.getMessage(), e);
    } finally {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing after the run
        }
      }
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException ignored) {
        // best effort: a temporary directory
      }
    }
  }
}
