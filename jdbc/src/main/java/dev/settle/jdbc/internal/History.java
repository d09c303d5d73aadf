package dev.settle.jdbc.internal;

import dev.settle.core.TransactionLogException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Ended transactions stay in the shared log for the configured retention, for explaining them
 * later; then they are deleted, oldest first, at most one batch per call so that no cleanup holds
 * many locks or a long transaction. Any node may clean up; ended transactions belong to no one.
 */
public final class History {
  private final LogConfig config;
  private final Sql sql;

  /** Cleanup with {@code config}'s retention and batch size. */
  public History(LogConfig config, Sql sql) {
    this.config = config;
    this.sql = sql;
  }

  /**
   * Deletes batches until one comes back short or {@code maxBatches} ran, so that cleanup keeps
   * up with a busy log while each batch stays small.
   */
  public void purge(int maxBatches) {
    for (int i = 0; i < maxBatches; i++) {
      if (purgeOnce() < config.historyBatch()) {
        break;
      }
    }
  }

  /**
   * Deletes up to one batch of transactions that ended longer than the retention ago (by the
   * database clock).
   *
   * @return how many were deleted; call again while it equals the batch size
   */
  public int purgeOnce() {
    try (Borrowed borrowed = Borrowed.from(config.dataSource())) {
      Connection c = borrowed.connection();
      c.setAutoCommit(false);
      try {
        List<String> expired = new ArrayList<>();
        try (PreparedStatement find = c.prepareStatement(sql.expired)) {
          find.setLong(1, -config.retention().toMillis());
          find.setInt(2, config.historyBatch());
          try (ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
              expired.add(rs.getString(1));
            }
          }
        }
        if (!expired.isEmpty()) {
          try (PreparedStatement records = c.prepareStatement(sql.deleteRecords);
              PreparedStatement txs = c.prepareStatement(sql.deleteTx)) {
            for (String tx : expired) {
              records.setString(1, tx);
              records.addBatch();
              txs.setString(1, tx);
              txs.addBatch();
            }
            records.executeBatch();
            txs.executeBatch();
          }
        }
        c.commit();
        return expired.size();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new TransactionLogException(
          "cannot clean up the shared log's history: " + e.getMessage(), e);
    }
  }
}
