package dev.settle.jdbc.internal;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Every statement the shared log runs, in one place so that the fencing conditions can be read
 * together. Lease times are always computed by the database (its clock expression, {@code
 * CURRENT_TIMESTAMP} unless configured otherwise), never sent from the JVM, so a skewed
 * application clock cannot cut a lease short or stretch it.
 */
public final class Sql {
  /** Decision codes in the {@code decision} column. */
  static final String COMMIT = "C";

  static final String ROLLBACK = "R";

  /** SQLSTATE of a unique-key violation, the same on PostgreSQL and H2. */
  static final String UNIQUE_VIOLATION = "23505";

  /**
   * SQLSTATE with which PostgreSQL ends a session that sat in an open transaction past {@code
   * idle_in_transaction_session_timeout}; its transaction was rolled back.
   */
  static final String IDLE_IN_TRANSACTION_TIMEOUT = "25P03";

  final String bumpEpoch;
  final String insertNode;
  final String readEpoch = "SELECT epoch FROM settle_node WHERE node = ?";
  /** Fences the previous instance of this node at once: its transactions move to the new epoch. */
  final String adoptOwnOlderEpochs =
      "UPDATE settle_tx SET owner_epoch = ? WHERE owner_node = ? AND owner_epoch < ? AND ended = FALSE";
  final String renewLease;
  final String releaseLease;

  /**
   * A Begin, with the records of its append: inserted only while this node still holds its epoch
   * (not superseded).
   */
  final String begin;
  /**
   * Every other append's one statement: fenced by ownership, refused after End, the decision
   * column set only if it is empty or already holds the same decision, and the append's records
   * added to the end of the row's.
   */
  final String touch;
  final String txRow =
      "SELECT owner_node, owner_epoch, decision, ended FROM settle_tx WHERE tx_id = ?";
  final String decision = "SELECT decision FROM settle_tx WHERE tx_id = ?";

  final String claimableStart =
      "SELECT tx_id, owner_node, owner_epoch FROM settle_tx t WHERE t.ended = FALSE"
          + " AND NOT (t.owner_node = ? AND t.owner_epoch = ?) AND t.protocol IN (";
  /**
   * Claimable: the owner's lease has run out by the database clock, or the owner's node has moved
   * to a newer epoch (that instance is gone or superseded), or the owner's node row is missing.
   */
  final String claimableEnd;
  final String claim =
      "UPDATE settle_tx SET owner_node = ?, owner_epoch = ? WHERE tx_id = ? AND owner_node = ?"
          + " AND owner_epoch = ? AND ended = FALSE";
  /**
   * Each unfinished transaction this node owns with its records: the row's own (schema version 2)
   * and, for a transaction begun before the upgrade, the ones in {@code settle_record} before them
   * (one result row per such record, the row's records repeated; {@code seq} null when there are
   * none).
   */
  final String ownedRecords =
      "SELECT t.tx_id, t.records, r.seq, r.body, t.last_seq FROM settle_tx t LEFT JOIN settle_record r ON r.tx_id = t.tx_id"
          + " WHERE t.owner_node = ? AND t.owner_epoch = ? AND t.ended = FALSE"
          + " ORDER BY t.began_at, t.tx_id, r.seq";

  /** A transaction's records from before the upgrade to schema version 2, if it has any. */
  final String olderRecords = "SELECT body FROM settle_record WHERE tx_id = ? ORDER BY seq";
  /** A transaction's records in its own row. */
  final String rowRecords = "SELECT records, last_seq FROM settle_tx WHERE tx_id = ?";
  final String unfinished =
      "SELECT tx_id FROM settle_tx WHERE ended = FALSE ORDER BY began_at, tx_id FETCH FIRST ? ROWS ONLY";
  final String expired;
  final String deleteRecords = "DELETE FROM settle_record WHERE tx_id = ?";
  final String deleteTx = "DELETE FROM settle_tx WHERE tx_id = ? AND ended = TRUE";

  /**
   * A whole group in one statement, where the database can run it (PostgreSQL), else null: the
   * Begins' inserts (as {@link #begin}, from parameter arrays 1 to 6, this node and epoch in 7 and
   * 8) and the other appends' updates (as {@link #touch}, from arrays 9 to 13, this node and epoch
   * in 14 and 15), returning the id of every transaction stored. See {@link GroupStatement}.
   */
  final @Nullable String groupStatement;

  private final @Nullable String limitIdleInTransaction;
  private final @Nullable String readIdleInTransactionLimit;

  /**
   * The statements of {@code dialect}, every time in them read from {@code now}, the database's
   * clock expression ({@code CURRENT_TIMESTAMP} by default).
   */
  Sql(Dialect dialect, String now) {
    this.limitIdleInTransaction = dialect.limitIdleInTransaction();
    this.readIdleInTransactionLimit = dialect.readIdleInTransactionLimit();
    String leaseEnd = dialect.nowPlusMillis(now);
    this.releaseLease = "UPDATE settle_node SET lease_until = " + now + " WHERE node = ? AND epoch = ?";
    this.begin =
        "INSERT INTO settle_tx (tx_id, protocol, owner_node, owner_epoch, decision, ended, last_seq,"
            + " began_at, ended_at, records) SELECT ?, ?, node, epoch, CAST(? AS CHAR(1)), ?, ?, " + now + ","
            + " CASE WHEN CAST(? AS BOOLEAN) THEN " + now + " ELSE NULL END, ? FROM settle_node"
            + " WHERE node = ? AND epoch = ?";
    this.touch =
        "UPDATE settle_tx SET decision = COALESCE(CAST(? AS CHAR(1)), decision), ended = ?,"
            + " last_seq = last_seq + ?, records = records || CAST(? AS " + dialect.binaryType() + "),"
            + " ended_at = CASE WHEN CAST(? AS BOOLEAN) THEN " + now + " ELSE ended_at END"
            + " WHERE tx_id = ? AND owner_node = ? AND owner_epoch = ? AND ended = FALSE"
            + " AND (decision IS NULL OR decision = COALESCE(CAST(? AS CHAR(1)), decision))";
    this.groupStatement =
        dialect != Dialect.POSTGRESQL
            ? null
            : "WITH b AS (INSERT INTO settle_tx (tx_id, protocol, owner_node, owner_epoch, decision, ended,"
                + " last_seq, began_at, ended_at, records) SELECT u.tx_id, u.protocol, n.node, n.epoch,"
                + " u.decision, u.ended, u.last_seq, " + now + ", CASE WHEN u.ended THEN " + now + " END, u.records"
                + " FROM unnest(CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]), CAST(? AS CHAR(1)[]), CAST(? AS BOOLEAN[]),"
                + " CAST(? AS INTEGER[]), CAST(? AS BYTEA[])) AS u(tx_id, protocol, decision, ended, last_seq, records)"
                + " JOIN settle_node n ON n.node = ? AND n.epoch = ? RETURNING settle_tx.tx_id),"
                + " t AS (UPDATE settle_tx s SET decision = COALESCE(u.decision, s.decision), ended = u.ended,"
                + " last_seq = s.last_seq + u.n, records = s.records || u.records,"
                + " ended_at = CASE WHEN u.ended THEN " + now + " ELSE s.ended_at END"
                + " FROM unnest(CAST(? AS VARCHAR[]), CAST(? AS CHAR(1)[]), CAST(? AS BOOLEAN[]), CAST(? AS INTEGER[]),"
                + " CAST(? AS BYTEA[])) AS u(tx_id, decision, ended, n, records)"
                + " WHERE s.tx_id = u.tx_id AND s.owner_node = ? AND s.owner_epoch = ? AND s.ended = FALSE"
                + " AND (s.decision IS NULL OR s.decision = COALESCE(u.decision, s.decision)) RETURNING s.tx_id)"
                + " SELECT tx_id FROM b UNION ALL SELECT tx_id FROM t";
    this.bumpEpoch =
        "UPDATE settle_node SET epoch = epoch + 1, lease_until = " + leaseEnd + " WHERE node = ?";
    this.insertNode =
        "INSERT INTO settle_node (node, epoch, lease_until) VALUES (?, 1, " + leaseEnd + ")";
    this.renewLease =
        "UPDATE settle_node SET lease_until = " + leaseEnd + " WHERE node = ? AND epoch = ?";
    this.claimableEnd =
        ") AND (NOT EXISTS (SELECT 1 FROM settle_node n WHERE n.node = t.owner_node)"
            + " OR EXISTS (SELECT 1 FROM settle_node n WHERE n.node = t.owner_node"
            + " AND (n.lease_until <= " + now + " OR n.epoch > t.owner_epoch)))"
            + " ORDER BY t.began_at, t.tx_id"
            + dialect.limitForUpdateSkipLocked();
    this.expired =
        "SELECT tx_id FROM settle_tx WHERE ended = TRUE AND ended_at < " + dialect.nowPlusMillis(now)
            + " ORDER BY ended_at" + dialect.limitForUpdateSkipLocked();
  }

  /**
   * A connection for writes that lock rows (group commits, claims), in a session the database ends
   * once it sits in an open transaction longer than {@code lease}. Claims skip locked rows, so a
   * node frozen between a statement and its commit (SIGSTOP, a long GC pause) would otherwise keep
   * the transactions it locked from every peer for as long as it stays frozen; past its lease it
   * has lost them anyway. Autocommit is off on the connection returned.
   */
  Borrowed openForLockingWrites(DataSource dataSource, Duration lease) throws SQLException {
    Borrowed borrowed = Borrowed.from(dataSource);
    Connection c = borrowed.connection();
    try {
      if (limitIdleInTransaction != null && readIdleInTransactionLimit != null) {
        c.setAutoCommit(true); // a session setting, not one a rollback undoes
        try (Statement read = c.createStatement();
            ResultSet rs = read.executeQuery(readIdleInTransactionLimit)) {
          rs.next();
          borrowed.idleLimitAsHandedOut(rs.getString(1)); // put back as it was on give-back
        }
        setIdleInTransactionLimit(c, Long.toString(Math.max(1, lease.toMillis())));
      }
      c.setAutoCommit(false);
      return borrowed;
    } catch (SQLException | RuntimeException e) {
      closeLockingWrites(borrowed);
      throw e;
    }
  }

  private void setIdleInTransactionLimit(Connection c, String value) throws SQLException {
    try (PreparedStatement limit = c.prepareStatement(requireNonNull(limitIdleInTransaction))) {
      limit.setString(1, value);
      limit.execute();
    }
  }

  /**
   * Gives back a connection from {@link #openForLockingWrites}, its session bound first put back
   * as it was handed out, so that a pool hands it to others as it came; one whose bound cannot be
   * put back is aborted. Whatever fails here, the connection is closed.
   */
  void closeLockingWrites(Borrowed borrowed) {
    Connection c = borrowed.connection();
    String asHandedOut = borrowed.idleLimitAsHandedOut();
    try {
      if (asHandedOut != null && !c.isClosed()) {
        if (!c.getAutoCommit()) {
          c.rollback(); // nothing is pending when this is called; this only leaves the transaction
          c.setAutoCommit(true);
        }
        setIdleInTransactionLimit(c, asHandedOut);
      }
    } catch (SQLException | RuntimeException broken) {
      borrowed.discard(); // it would carry this log's bound into the pool
    } finally {
      try {
        borrowed.close();
      } catch (SQLException ignored) {
        // it is being dropped either way
      }
    }
  }

  /** The claim query for {@code protocols} protocol parameters. */
  String claimable(int protocols) {
    StringBuilder in = new StringBuilder(claimableStart);
    for (int i = 0; i < protocols; i++) {
      in.append(i == 0 ? "?" : ", ?");
    }
    return in.append(claimableEnd).toString();
  }
}
