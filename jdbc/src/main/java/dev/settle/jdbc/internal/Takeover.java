package dev.settle.jdbc.internal;

import dev.settle.core.CorruptLogException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What recovery reads from the shared log: first a bounded claim of unfinished transactions whose
 * owner is gone, then the records of every unfinished transaction this instance owns.
 *
 * <p>The claim runs in one database transaction: renew this node's lease (which also proves it is
 * not superseded), select at most {@code claimBatch} claimable transactions of the protocols this
 * instance serves, locking them and skipping rows another claimer holds, and move each to this
 * (node, epoch) with an update conditional on the owner it had when selected. Two nodes claiming
 * at once therefore never both own a transaction: the row lock serialises them and the loser's
 * condition no longer matches.
 */
public final class Takeover {
  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

  private final LogConfig config;
  private final Sql sql;
  private final Node node;
  /** Damaged transactions already reported, so each is warned about once. */
  private final Set<TransactionId> reportedDamage = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Takeover for {@code node}. */
  public Takeover(LogConfig config, Sql sql, Node node) {
    this.config = config;
    this.sql = sql;
    this.node = node;
  }

  /**
   * Claims up to one batch of dead nodes' unfinished transactions of {@code protocols}; an INFO
   * line says how many, from whom.
   */
  public void claim(Set<String> protocols) {
    node.checkNotSuperseded();
    if (protocols.isEmpty()) {
      return; // no coordinator here could drive what it took
    }
    Borrowed borrowed;
    try {
      borrowed = sql.openForLockingWrites(config.dataSource(), config.lease());
    } catch (SQLException e) {
      throw new TransactionLogException(
          "cannot claim transactions in the shared log: " + e.getMessage(), e);
    }
    Connection c = borrowed.connection();
    try {
      try {
        node.renew(c);
        List<String[]> claimable = new ArrayList<>();
        try (PreparedStatement find = c.prepareStatement(sql.claimable(protocols.size()))) {
          int i = 1;
          find.setString(i++, node.name());
          find.setLong(i++, node.epoch());
          for (String protocol : protocols) {
            find.setString(i++, protocol);
          }
          find.setInt(i, config.claimBatch());
          try (ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
              claimable.add(new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))});
            }
          }
        }
        int claimed = 0;
        Map<String, Integer> from = new LinkedHashMap<>();
        try (PreparedStatement take = c.prepareStatement(sql.claim)) {
          for (String[] row : claimable) {
            take.setString(1, node.name());
            take.setLong(2, node.epoch());
            take.setString(3, row[0]);
            take.setString(4, row[1]);
            take.setLong(5, Long.parseLong(row[2]));
            if (take.executeUpdate() == 1) {
              claimed++;
              from.merge(row[1] + " epoch " + row[2], 1, Integer::sum);
            }
          }
        }
        c.commit();
        if (claimed > 0) {
          LOG.info("log node {} epoch {} took over {} transactions from {}", node.name(), node.epoch(), claimed, from);
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new TransactionLogException(
          "cannot claim transactions in the shared log: " + e.getMessage(), e);
    } finally {
      sql.closeLockingWrites(borrowed);
    }
  }

  /**
   * Hands {@code sink} the records of every unfinished transaction this instance owns, each
   * transaction's in order, transactions in the order they began. A transaction with a record
   * that cannot be decoded is left out whole, with a WARN, so that it is never driven on half its
   * history.
   */
  public void replayOwned(Consumer<LogRecord> sink) {
    node.checkNotSuperseded();
    try (Borrowed borrowed = Borrowed.from(config.dataSource())) {
      Connection c = borrowed.connection();
      // A cursor rather than the whole result at once, on drivers that need a transaction for it.
      c.setAutoCommit(false);
      try (PreparedStatement read = c.prepareStatement(sql.ownedRecords)) {
        read.setFetchSize(500);
        read.setString(1, node.name());
        read.setLong(2, node.epoch());
        try (ResultSet rs = read.executeQuery()) {
          TransactionId current = null;
          byte[] rowRecords = null;
          int lastSeq = -1;
          List<LogRecord> records = new ArrayList<>();
          boolean damaged = false;
          while (rs.next()) {
            TransactionId tx = new TransactionId(rs.getString(1));
            if (!tx.equals(current)) {
              if (current != null) {
                finish(current, records, rowRecords, lastSeq, damaged, sink);
              }
              current = tx;
              rowRecords = rs.getBytes(2);
              lastSeq = rs.getInt(5);
              records.clear();
              damaged = false;
            }
            byte[] older = rs.getBytes(4); // null: no records from before schema version 2
            if (damaged || older == null) {
              continue;
            }
            try {
              records.add(LogCodec.decode(older));
            } catch (CorruptLogException e) {
              damaged = true;
              reportDamage(tx, "its record seq " + rs.getInt(3), e);
            }
          }
          if (current != null) {
            finish(current, records, rowRecords, lastSeq, damaged, sink);
          }
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new TransactionLogException("cannot read the shared log: " + e.getMessage(), e);
    }
  }

  /**
   * Hands on one transaction's records: those from before schema version 2, then its row's; none
   * of them if any is damaged ({@link RecordBlob#history}), so that it is never driven on half its
   * history.
   */
  private void finish(
      TransactionId tx,
      List<LogRecord> older,
      byte @Nullable [] rowRecords,
      int lastSeq,
      boolean damaged,
      Consumer<LogRecord> sink) {
    if (damaged) {
      return;
    }
    List<LogRecord> all;
    try {
      all = RecordBlob.history(tx, older, rowRecords, lastSeq);
    } catch (CorruptLogException e) {
      reportDamage(tx, "its row's records", e);
      return;
    }
    all.forEach(sink);
  }

  private void reportDamage(TransactionId tx, String where, CorruptLogException e) {
    if (reportedDamage.add(tx)) {
      LOG.warn(
          "transaction {} has a damaged record ({}) in the shared log and will not be driven:"
              + " {}. Decide by hand what its participants must do.",
          tx, where, e.getMessage());
    }
  }

  /** Ids whose damage was reported, for tests and operators. */
  Set<TransactionId> damaged() {
    return new HashSet<>(reportedDamage);
  }
}
