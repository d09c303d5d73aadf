package dev.settle.testkit;

import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogClaim;
import dev.settle.core.log.spi.ForwardingTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.jdbc.JdbcTransactionLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Planted bugs in the shared log, as {@link SharedLogSimulation.LogVariant}s over the real one:
 * each writes to the log's tables the way a plausible but wrong implementation would.
 */
final class PlantedSharedLogs {
  private PlantedSharedLogs() {}

  /**
   * A claim without fencing: before each append, the node claims the transaction for itself,
   * whoever owns it now, instead of letting the append be refused when it no longer owns it. A
   * node that froze past its lease takes back what a peer took over, and finishes it as if
   * nothing had happened.
   */
  static TransactionLog unfencedClaim(JdbcTransactionLog log, DataSource database, World world) {
    return new Delegating(log) {
      @Override
      public void append(List<LogRecord> records, boolean force) {
        Set<TransactionId> continued = new LinkedHashSet<>();
        for (LogRecord r : records) {
          if (!(r instanceof LogRecord.Begin)) {
            continued.add(r.transactionId());
          }
        }
        records.stream().filter(r -> r instanceof LogRecord.Begin).forEach(r -> continued.remove(r.transactionId()));
        update(
            database,
            "UPDATE settle_tx SET owner_node = ?, owner_epoch = ? WHERE tx_id = ? AND ended = FALSE",
            continued,
            log);
        log.append(records, force);
      }
    };
  }

  /**
   * A lease judged on the JVM clock: the takeover claim compares the owners' lease ends, which
   * the database wrote by its own clock, with the claiming node's clock. When the two disagree,
   * dead nodes look alive (or live ones dead).
   */
  static TransactionLog jvmClockLease(JdbcTransactionLog log, DataSource database, World world) {
    Set<String> protocols = new LinkedHashSet<>();
    return new Delegating(log) {
      @Override
      public LogClaim claim(String protocol, String owner) {
        protocols.add(protocol); // the real log claims nothing for it then: this variant does
        return new LogClaim() {
          @Override
          public String protocol() {
            return protocol;
          }

          @Override
          public String owner() {
            return owner;
          }

          @Override
          public void release() {
            protocols.remove(protocol);
          }
        };
      }

      @Override
      public void replay(Consumer<LogRecord> sink) {
        log.renewLease();
        try (Connection c = database.getConnection()) {
          for (String protocol : protocols) {
            try (PreparedStatement take =
                c.prepareStatement(
                    "UPDATE settle_tx t SET owner_node = ?, owner_epoch = ? WHERE t.ended = FALSE"
                        + " AND t.protocol = ? AND NOT (t.owner_node = ? AND t.owner_epoch = ?)"
                        + " AND EXISTS (SELECT 1 FROM settle_node n WHERE n.node = t.owner_node"
                        + " AND (n.lease_until <= ? OR n.epoch > t.owner_epoch))")) {
              take.setString(1, log.node());
              take.setLong(2, log.epoch());
              take.setString(3, protocol);
              take.setString(4, log.node());
              take.setLong(5, log.epoch());
              take.setObject(6, OffsetDateTime.ofInstant(world.clock().instant(), ZoneOffset.UTC)); // the bug
              take.executeUpdate();
            }
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
        log.replay(sink);
      }
    };
  }

  private static void update(DataSource database, String sql, Set<TransactionId> txs, JdbcTransactionLog log) {
    if (txs.isEmpty()) {
      return;
    }
    try (Connection c = database.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (TransactionId tx : txs) {
        ps.setString(1, log.node());
        ps.setLong(2, log.epoch());
        ps.setString(3, tx.value());
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Passes everything to the real log. */
  private static class Delegating extends ForwardingTransactionLog {
    final JdbcTransactionLog log;

    Delegating(JdbcTransactionLog log) {
      super(log);
      this.log = log;
    }
  }
}
