package dev.settle.tcc.fence;

import dev.settle.core.ParticipantException;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A JDBC participant behind the fence: one connection and one local transaction per call. */
final class JdbcFencedParticipant implements TccParticipant {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcFencedParticipant.class);
  @FunctionalInterface
  private interface FencedCall {
    // Whether the business method ran (the fence's answer) does not matter here: a repeat is
    // acknowledged like a first delivery.
    void run(Connection c) throws SQLException;
  }

  private final JdbcTccFence fence;
  private final DataSource dataSource;
  private final JdbcTccParticipant participant;

  JdbcFencedParticipant(JdbcTccFence fence, DataSource dataSource, JdbcTccParticipant participant) {
    this.fence = fence;
    this.dataSource = dataSource;
    this.participant = participant;
  }

  @Override
  public String name() {
    return participant.name();
  }

  @Override
  public void tryReserve(TccContext ctx) {
    inTransaction(ctx, "try", c -> fence.tryReserve(c, ctx, participant));
  }

  @Override
  public void confirm(TccContext ctx) {
    inTransaction(ctx, "confirm", c -> fence.confirm(c, ctx, participant));
  }

  @Override
  public void cancel(TccContext ctx) {
    inTransaction(ctx, "cancel", c -> fence.cancel(c, ctx, participant));
  }

  private void inTransaction(TccContext ctx, String phase, FencedCall call) {
    try (Connection c = dataSource.getConnection()) {
      // Given back as it came: several pools do not reset auto-commit, and the next borrower's
      // plain writes would then never be committed.
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        call.run(c);
        c.commit();
      } catch (Throwable e) {
        // Every Throwable, Errors included: behind a pool, close() hands the connection back
        // with whatever it holds, and the next borrower's commit would commit this half-done
        // change and its fence row with it.
        // Auto-commit is restored only once the rollback succeeded: switching it on commits
        // whatever is still pending.
        if (rollbackQuietly(c, e)) {
          try {
            c.setAutoCommit(autoCommit);
          } catch (SQLException broken) {
            e.addSuppressed(broken); // the failure that brought us here is the one to report
          }
        }
        throw e;
      }
      try {
        c.setAutoCommit(autoCommit);
      } catch (SQLException broken) {
        // The call committed, so it succeeded; a connection that cannot switch back is broken,
        // and a pool does not hand a broken connection out again.
        LOG.warn("{} {}: committed, but the connection could not be given back as it came: {}",
            phase, ctx.transactionId(), broken.getMessage());
      }
    } catch (SQLException e) {
      throw new ParticipantException(
          ctx.transactionId(),
          ctx.branchId(),
          phase + " failed in the database: " + e.getMessage(),
          e);
    }
  }

  /** Rolls back; false (the failure added to {@code cause}) if even that failed. */
  private static boolean rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
      return true;
    } catch (SQLException e) {
      cause.addSuppressed(e);
      return false;
    }
  }

  @Override
  public String toString() {
    return "jdbc-fenced " + participant;
  }
}
