package dev.settle.tcc.fence;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.SettleException;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The fence in a database table, written in the same local transaction as the business change.
 *
 * <p>Insert first, never lock a missing row: a Try inserts its row ({@code T}) and a Cancel
 * inserts the flag row ({@code B}); the primary key serialises a racing Try and Cancel, and the
 * loser meets the winner's committed row. Locking a row that does not exist yet (select for
 * update) takes gap locks on some databases and deadlocks racing Try and Cancel (Seata #6679).
 * Confirm and the Cancel of a tried branch move the row with a conditional update.
 *
 * <p>Create the table from {@link #schema(String)} ({@code "postgresql"} or {@code "h2"}).
 *
 * <pre>{@code
 * JdbcTccFence fence = JdbcTccFence.builder().build();
 * TccParticipant shard = fence.protect(dataSource, new AccountsOnJdbc());
 * }</pre>
 *
 * <p><b>Thread safety.</b> Thread-safe and immutable once built: share one fence among
 * participants and threads. Concurrent calls for one branch are serialized by the database (the
 * fence row's primary key and conditional updates), not by the fence object.
 */
public final class JdbcTccFence {
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final String UNIQUE_VIOLATION = "23505";

  private final Clock clock;
  private final Duration horizon;
  private final String insert;
  private final String select;
  private final String advance;
  private final String cleanupSelect;
  private final String cleanupDelete;

  private JdbcTccFence(Clock clock, Duration horizon, String table) {
    this.clock = clock;
    this.horizon = horizon;
    this.insert =
        "INSERT INTO " + table
            + " (tx_id, branch_id, state, deadline_ms, updated_ms) VALUES (?, ?, ?, ?, ?)";
    this.select = "SELECT state FROM " + table + " WHERE tx_id = ? AND branch_id = ?";
    this.advance =
        "UPDATE " + table + " SET state = ?, updated_ms = ? WHERE tx_id = ? AND branch_id = ?"
            + " AND state = 'T'";
    this.cleanupSelect =
        "SELECT tx_id, branch_id FROM " + table + " WHERE deadline_ms < ? AND state <> 'T'"
            + " ORDER BY deadline_ms";
    this.cleanupDelete = "DELETE FROM " + table + " WHERE tx_id = ? AND branch_id = ?";
  }

  /** A builder: table {@code settle_tcc_fence}, the system clock, a ten-minute horizon. */
  public static Builder builder() {
    return new Builder();
  }

  /** The DDL of the fence table for {@code "postgresql"} or {@code "h2"}. */
  public static String schema(String dialect) {
    Assert.notNull(dialect, "dialect");
    String resource = "schema-" + dialect.toLowerCase(java.util.Locale.ROOT) + ".sql";
    try (InputStream in = JdbcTccFence.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no fence schema for dialect \"" + dialect + "\"; use postgresql or h2");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SettleException(null, "cannot read fence schema " + resource, e);
    }
  }

  /**
   * Wraps a JDBC participant as a {@link TccParticipant}: every call takes a connection from
   * {@code dataSource}, runs the fence and the business change in one local transaction, and
   * commits.
   */
  public TccParticipant protect(DataSource dataSource, JdbcTccParticipant participant) {
    Assert.notNull(dataSource, "dataSource");
    Assert.notNull(participant, "participant");
    return new JdbcFencedParticipant(this, dataSource, participant);
  }

  /**
   * Runs a Try on the caller's connection (auto-commit off); the caller commits. Returns whether
   * the business method ran (false: a duplicate Try, skipped). If it throws anything, an {@link
   * Error} included, the caller must roll the connection back before handing it on: the fence row
   * and the business change may be half written.
   *
   * @throws dev.settle.tcc.TryRefusedException if its Cancel came first or the deadline passed
   */
  public boolean tryReserve(Connection c, TccContext ctx, JdbcTccParticipant participant)
      throws SQLException {
    requireTransaction(c);
    if (insertRow(c, ctx, FenceState.TRIED)) {
      FenceRules.decide(FenceRules.Phase.TRY, null, ctx, clock.instant()); // deadline check
      participant.tryReserve(c, ctx);
      return true;
    }
    return runIfAllowed(c, ctx, FenceRules.Phase.TRY);
  }

  /** Runs a Confirm on the caller's connection; see {@link #tryReserve}. */
  public boolean confirm(Connection c, TccContext ctx, JdbcTccParticipant participant)
      throws SQLException {
    requireTransaction(c);
    if (advanceRow(c, ctx, FenceState.CONFIRMED)) {
      participant.confirm(c, ctx);
      return true;
    }
    return runIfAllowed(c, ctx, FenceRules.Phase.CONFIRM);
  }

  /** Runs a Cancel on the caller's connection; see {@link #tryReserve}. */
  public boolean cancel(Connection c, TccContext ctx, JdbcTccParticipant participant)
      throws SQLException {
    requireTransaction(c);
    if (insertRow(c, ctx, FenceState.CANCELLED_BEFORE_TRY)) {
      return false; // the source's NOP cancel: the flag is written, nothing else
    }
    if (advanceRow(c, ctx, FenceState.CANCELLED)) {
      participant.cancel(c, ctx);
      return true;
    }
    return runIfAllowed(c, ctx, FenceRules.Phase.CANCEL);
  }

  /** The branch's fence record, read on {@code c}. */
  public Optional<FenceState> state(Connection c, TransactionId tx, BranchId branch)
      throws SQLException {
    return Optional.ofNullable(read(c, tx, branch));
  }

  /**
   * Deletes up to {@code maxRows} rows whose deadline lies more than the horizon in the past,
   * except Tries still waiting for their phase two, and commits. Bounded so that one cleanup
   * never holds a large lock (a single huge delete stalled Seata's table, #4489).
   *
   * @return rows deleted; call again while it equals {@code maxRows}
   */
  public int cleanUp(Connection c, int maxRows) throws SQLException {
    Assert.atLeast(maxRows, 1, "maxRows");
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    int deleted = 0;
    try (PreparedStatement find = c.prepareStatement(cleanupSelect);
        PreparedStatement delete = c.prepareStatement(cleanupDelete)) {
      find.setLong(1, clock.millis() - horizon.toMillis());
      find.setMaxRows(maxRows);
      try (ResultSet rs = find.executeQuery()) {
        while (rs.next()) {
          delete.setString(1, rs.getString(1));
          delete.setString(2, rs.getString(2));
          delete.addBatch();
          deleted++;
        }
      }
      if (deleted > 0) {
        delete.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
    return deleted;
  }

  private boolean runIfAllowed(Connection c, TccContext ctx, FenceRules.Phase phase)
      throws SQLException {
    FenceState current = read(c, ctx.transactionId(), ctx.branchId());
    FenceRules.Action action = FenceRules.decide(phase, current, ctx, clock.instant());
    if (action != FenceRules.Action.SKIP) {
      // The insert or update above would have succeeded; the row changed under us.
      throw new ParticipantException(
          ctx.transactionId(), ctx.branchId(), "fence row changed concurrently; retry", null);
    }
    return false;
  }

  private boolean insertRow(Connection c, TccContext ctx, FenceState state) throws SQLException {
    // A failed insert aborts a PostgreSQL transaction; the savepoint keeps it usable.
    Savepoint before = c.setSavepoint();
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setString(1, ctx.transactionId().value());
      ps.setString(2, ctx.branchId().value());
      ps.setString(3, String.valueOf(state.code()));
      ps.setLong(4, ctx.deadline().toEpochMilli());
      ps.setLong(5, clock.millis());
      ps.executeUpdate();
      c.releaseSavepoint(before);
      return true;
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback(before);
      return false;
    }
  }

  private boolean advanceRow(Connection c, TccContext ctx, FenceState to) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(advance)) {
      ps.setString(1, String.valueOf(to.code()));
      ps.setLong(2, clock.millis());
      ps.setString(3, ctx.transactionId().value());
      ps.setString(4, ctx.branchId().value());
      return ps.executeUpdate() == 1;
    }
  }

  private @Nullable FenceState read(Connection c, TransactionId tx, BranchId branch)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(select)) {
      ps.setString(1, tx.value());
      ps.setString(2, branch.value());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? FenceState.ofCode(rs.getString(1).charAt(0)) : null;
      }
    }
  }

  private static void requireTransaction(Connection c) throws SQLException {
    Assert.notNull(c, "connection");
    if (c.getAutoCommit()) {
      throw new IllegalArgumentException(
          "the fence must share the business change's local transaction: turn auto-commit off");
    }
  }

  /** Builds a {@link JdbcTccFence}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration horizon = Duration.ofMinutes(10);
    private String table = "settle_tcc_fence";

    private Builder() {}

    /** Judges Try deadlines and cleanup. */
    public Builder clock(Clock clock) {
      this.clock = Assert.notNull(clock, "clock");
      return this;
    }

    /** How long past its deadline a row is kept; longer than any message delay. */
    public Builder horizon(Duration horizon) {
      this.horizon = Assert.notNegative(horizon, "horizon");
      return this;
    }

    /** The fence table's name: a plain SQL identifier. */
    public Builder table(String table) {
      Assert.notBlank(table, "table");
      Assert.isTrue(
          TABLE.matcher(table).matches(),
          "table must be a plain SQL identifier (letters, digits, _), was \"" + table + "\"");
      this.table = table;
      return this;
    }

    /** The fence. */
    public JdbcTccFence build() {
      return new JdbcTccFence(clock, horizon, table);
    }
  }
}
