package dev.settle.jdbc.internal;

import dev.settle.core.Decision;
import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.jdbc.ConflictingDecisionException;
import dev.settle.core.OwnershipLostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one group of appends in one database transaction, on one of the writer's sessions (with
 * the statements it keeps prepared). Where the database can, a group goes as one statement that
 * commits on its own ({@link GroupStatement}: one round trip). Otherwise the fast path sends the
 * Begins' inserts as one JDBC batch, the other appends' statements (the conditional update fenced
 * by ownership, which also adds the append's records to the transaction's row) as another, and
 * commits. If any append is refused (zero rows, a duplicate id) there, the transaction is rolled
 * back and the group is written again one append at a time, each under a savepoint, so that the
 * refused append fails alone with the exact reason and the others are stored.
 */
final class GroupWrite {
  private static final Logger LOG = LoggerFactory.getLogger(GroupWrite.class);

  /** How a group ended. */
  enum Result {
    COMMITTED,
    COMMIT_FAILED
  }

  private final LogConfig config;
  private final Sql sql;
  private final Node node;
  private final @Nullable GroupStatement oneStatement;

  GroupWrite(LogConfig config, Sql sql, Node node) {
    this.config = config;
    this.sql = sql;
    this.node = node;
    String statement = sql.groupStatement;
    this.oneStatement = statement == null ? null : new GroupStatement(statement);
  }

  /**
   * Writes {@code group}, setting each refused append's failure.
   *
   * @throws SQLException if the connection failed before the commit, or the server ended the
   *     session before the commit arrived: nothing was stored
   */
  Result write(WriteSession session, List<Writer.Pending> group) throws SQLException {
    for (Writer.Pending p : group) {
      p.failure = null; // a retried group is judged afresh: the first attempt stored nothing
      p.commitUnknown = false;
    }
    boolean begins = group.stream().anyMatch(p -> p.steps.stream().anyMatch(s -> s.protocol() != null));
    boolean renew = begins && node.takeRenewal();
    long renewing = System.nanoTime();
    boolean committed = false;
    try {
      committed = writeAndCommit(session, group, renew);
    } finally {
      if (renew) {
        node.renewalDone(renewing, committed);
      }
    }
    return committed ? Result.COMMITTED : Result.COMMIT_FAILED;
  }

  private boolean writeAndCommit(WriteSession session, List<Writer.Pending> group, boolean renew)
      throws SQLException {
    GroupStatement one = oneStatement;
    // A renewal must share its group's transaction, so groups that renew take the longer way.
    if (one != null && !renew && GroupStatement.fits(group)) {
      session.dropIfStale(); // a lost connection found now costs nothing; found by the statement, an unknown
      GroupStatement.Outcome outcome;
      try {
        outcome = one.write(session, group, node.name(), node.epoch());
      } catch (Error e) {
        commitUnknown(group, e); // it may have been sent: no one may act on these records
        throw e;
      }
      switch (outcome.ended()) {
        case COMMITTED -> {
          // Stored as one statement; an append it refused was not written at all.
          refusedByTheStatement(session, group, outcome.stored());
          reportLosses(group);
          return true;
        }
        case UNKNOWN -> {
          commitUnknown(group, outcome.failure());
          return false;
        }
        case ROLLED_BACK -> {
          // Nothing was stored: the transactional path below tells the refused append apart.
        }
      }
    }
    Connection c = session.connection();
    if (!fast(session, group, renew)) {
      c.rollback();
      slow(session, group, renew);
    }
    try {
      c.commit();
    } catch (SQLException e) {
      if (Sql.IDLE_IN_TRANSACTION_TIMEOUT.equals(e.getSQLState())) {
        // The server ended the session, and rolled its transaction back, before the commit
        // arrived (the writer sat frozen past the lease): nothing was stored, so the group may be
        // written again, and each append then learns whether this node still owns its transaction.
        throw e;
      }
      commitUnknown(group, e);
      return false;
    } catch (RuntimeException e) {
      // A driver that fails in its commit may have sent it: the fate is unknown, as above.
      commitUnknown(group, e);
      return false;
    } catch (Error e) {
      commitUnknown(group, e);
      throw e;
    }
    reportLosses(group);
    return true;
  }

  /** The commit may or may not have reached the database: no one may act on these records. */
  private static void commitUnknown(List<Writer.Pending> group, @Nullable Throwable e) {
    for (Writer.Pending p : group) {
      if (p.failure == null) {
        p.commitUnknown = true;
        p.failure =
            new TransactionLogException(
                "the shared log's commit failed; these records may or may not be stored: "
                    + (e == null ? "" : e.getMessage() == null ? e.toString() : e.getMessage()),
                e);
      }
    }
  }

  /**
   * Gives each append the single statement did not store the reason its fence refused it, read
   * after the fact: nothing of that append was written, and the others are stored.
   */
  private void refusedByTheStatement(WriteSession session, List<Writer.Pending> group, Set<String> stored) {
    if (stored.size() == group.size()) {
      return;
    }
    try {
      Connection c = session.connection();
      try {
        for (Writer.Pending p : group) {
          Step s = p.steps.get(0);
          if (!stored.contains(s.tx().value())) {
            p.failure = diagnose(c, s);
          }
        }
      } finally {
        c.rollback(); // ends the reads' transaction: the session must not sit in one
      }
    } catch (SQLException | RuntimeException e) {
      // The group has committed, so this must not fail it: the unexplained refusals say so.
      for (Writer.Pending p : group) {
        if (p.failure == null && !stored.contains(p.steps.get(0).tx().value())) {
          p.failure =
              new TransactionLogException(
                  "[" + p.steps.get(0).tx() + "] the shared log refused the append (nothing of it"
                      + " was stored) and cannot tell why: " + e.getMessage(),
                  e);
        }
      }
    }
  }

  /** Warns of, and reports, every append of {@code group} refused because ownership was lost. */
  private void reportLosses(List<Writer.Pending> group) {
    for (Writer.Pending p : group) {
      if (p.failure instanceof OwnershipLostException lost) {
        LOG.warn("{}", lost.getMessage());
        if (lost.lostTransaction() != null) {
          config.ownershipLost(lost); // a superseded node was reported by Node already
        }
      }
    }
  }

  /**
   * After a commit whose fate is unknown, tells each of the group's appends whose transaction
   * another node owns now that it lost it. That answer is certain, whatever the commit did: a peer
   * claims a transaction only once no open database transaction holds its row (claims skip locked
   * rows), so this node's write had ended, stored or not, before the peer took the transaction, and
   * the peer drives it from what the log then held. The outcome is the peer's to report. Appends
   * still owned here keep their "may or may not be stored" failure.
   */
  void explainFailedCommit(List<Writer.Pending> group) {
    try (Borrowed borrowed = Borrowed.from(config.dataSource())) {
      Connection c = borrowed.connection();
      for (Writer.Pending p : group) {
        if (!p.commitUnknown) {
          continue;
        }
        for (Step s : p.steps) {
          OwnershipLostException lost = lostTo(c, s.tx());
          if (lost != null) {
            p.failure = lost;
            LOG.warn("{}", lost.getMessage());
            config.ownershipLost(lost);
            break;
          }
        }
      }
    } catch (SQLException e) {
      LOG.debug("cannot tell who owns the transactions of a failed commit; they stay unknown", e);
    }
  }

  /**
   * The loss of {@code tx} if another node (or a newer epoch) owns it now, else null; asked after
   * a failed commit, so the loss says the write itself may have been stored.
   */
  private @Nullable OwnershipLostException lostTo(Connection c, TransactionId tx) throws SQLException {
    try (PreparedStatement read = c.prepareStatement(sql.txRow)) {
      read.setString(1, tx.value());
      try (ResultSet rs = read.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String owner = rs.getString(1);
        long ownerEpoch = rs.getLong(2);
        if (owner.equals(node.name()) && ownerEpoch == node.epoch()) {
          return null;
        }
        return new OwnershipLostException(
            tx, node.name(), node.epoch(), "node " + owner + " (epoch " + ownerEpoch + ") owns it now", true);
      }
    }
  }

  /**
   * The batched path; false if some append was refused and the group must go the slow way. Each
   * batch runs in order of transaction id, so two groups in flight at once lock the transaction
   * rows they share in the same order and never deadlock.
   */
  private boolean fast(WriteSession session, List<Writer.Pending> group, boolean renew)
      throws SQLException {
    renewIfBeginning(session, renew);
    KeyOrder steps = KeyOrder.of(group);
    List<Step> begins = steps.begins();
    List<Step> touches = steps.touches();
    try {
      // Begins first: a transaction's later appends only ever follow its Begin's return.
      if (!begins.isEmpty()) {
        PreparedStatement begin = session.prepared(sql.begin);
        for (Step s : begins) {
          bindBegin(begin, s);
          begin.addBatch();
        }
        if (!allOne(begin.executeBatch())) {
          return false;
        }
      }
      if (!touches.isEmpty()) {
        PreparedStatement touch = session.prepared(sql.touch);
        for (Step s : touches) {
          bindTouch(touch, s);
          touch.addBatch();
        }
        if (!allOne(touch.executeBatch())) {
          return false;
        }
      }
      return true;
    } catch (SQLException e) {
      if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState()) || e instanceof java.sql.BatchUpdateException) {
        return false; // a duplicate id or a refused statement: the slow path tells which
      }
      throw e;
    }
  }

  /**
   * A node that begins transactions is alive: a group with Begins renews the lease too, so that a
   * heartbeat that could not run (a brief outage, a starved thread) does not hand brand-new
   * transactions to peers. Only when the last renewal is older than half a heartbeat interval, and
   * by one group at a time ({@link Node#takeRenewal}): the renewal locks the node's row until its
   * group commits, so renewing in every group would make groups with Begins wait for each other,
   * and costs a round trip each. A superseded node renews nothing; its Begins then fail on their
   * own.
   */
  private void renewIfBeginning(WriteSession session, boolean renew) throws SQLException {
    if (renew) {
      node.renewWith(session.prepared(sql.renewLease));
    }
  }

  private static boolean allOne(int[] counts) {
    for (int n : counts) {
      if (n != 1) {
        return false; // zero rows: refused; SUCCESS_NO_INFO: unknown, so check one by one
      }
    }
    return true;
  }

  /** One append at a time, each under a savepoint. */
  private void slow(WriteSession session, List<Writer.Pending> group, boolean renew)
      throws SQLException {
    renewIfBeginning(session, renew);
    Connection c = session.connection();
    for (Writer.Pending p : group) {
      Savepoint before = c.setSavepoint();
      try {
        for (Step s : p.steps) {
          apply(session, s);
        }
        c.releaseSavepoint(before);
      } catch (Refused r) {
        c.rollback(before);
        p.failure = r.failure;
      } catch (SQLException e) {
        c.rollback(before);
        p.failure = explain(c, p.steps, e);
      }
    }
  }

  private void apply(WriteSession session, Step s) throws SQLException, Refused {
    boolean begin = s.protocol() != null;
    PreparedStatement first = session.prepared(begin ? sql.begin : sql.touch);
    if (begin) {
      bindBegin(first, s);
    } else {
      bindTouch(first, s);
    }
    if (first.executeUpdate() != 1) {
      throw new Refused(diagnose(session.connection(), s));
    }
  }

  /** Why an append's first statement matched no row. */
  private RuntimeException diagnose(Connection c, Step s) throws SQLException {
    if (s.protocol() != null) {
      return node.supersededNow(); // the insert selects this node's row at this epoch: gone
    }
    try (PreparedStatement read = c.prepareStatement(sql.txRow)) {
      read.setString(1, s.tx().value());
      try (ResultSet rs = read.executeQuery()) {
        if (!rs.next()) {
          return new TransactionLogException(
              "[" + s.tx() + "] the shared log holds no such transaction (no Begin was stored)",
              null);
        }
        String owner = rs.getString(1);
        long ownerEpoch = rs.getLong(2);
        String decision = rs.getString(3);
        boolean ended = rs.getBoolean(4);
        if (!owner.equals(node.name()) || ownerEpoch != node.epoch()) {
          return new OwnershipLostException(
              s.tx(), node.name(), node.epoch(), "node " + owner + " (epoch " + ownerEpoch + ") owns it now");
        }
        if (ended) {
          return new TransactionLogException(
              "[" + s.tx() + "] the transaction has ended in the shared log; nothing may follow its End",
              null);
        }
        if (decision != null && s.decision() != null) {
          return new ConflictingDecisionException(
              s.tx(), Sql.COMMIT.equals(decision.trim()) ? Decision.COMMIT : Decision.ROLLBACK);
        }
        return new TransactionLogException(
            "[" + s.tx() + "] the shared log refused the append for no reason it can tell", null);
      }
    }
  }

  /** The failure of an append whose statements threw. */
  private RuntimeException explain(Connection c, List<Step> steps, SQLException e)
      throws SQLException {
    if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
      // Rolled back to before this append, so a Begin whose row exists met an earlier transaction.
      for (Step s : steps) {
        Boolean ended = s.protocol() == null ? null : ended(c, s.tx());
        if (ended != null) {
          return new DuplicateTransactionIdException(s.tx(), ended);
        }
      }
    }
    return new TransactionLogException("cannot write to the shared log: " + e.getMessage(), e);
  }

  /** Whether {@code tx} has ended, or null if the log holds no such transaction. */
  private @Nullable Boolean ended(Connection c, TransactionId tx) throws SQLException {
    try (PreparedStatement read = c.prepareStatement(sql.txRow)) {
      read.setString(1, tx.value());
      try (ResultSet rs = read.executeQuery()) {
        return rs.next() ? rs.getBoolean(4) : null;
      }
    }
  }

  private void bindBegin(PreparedStatement ps, Step s) throws SQLException {
    ps.setString(1, s.tx().value());
    ps.setString(2, String.valueOf(s.protocol()));
    setDecision(ps, 3, s.decisionCode());
    ps.setBoolean(4, s.end());
    ps.setInt(5, s.bodies().size() - 1);
    ps.setBoolean(6, s.end());
    ps.setBytes(7, RecordBlob.join(s.bodies()));
    ps.setString(8, node.name());
    ps.setLong(9, node.epoch());
  }

  private void bindTouch(PreparedStatement ps, Step s) throws SQLException {
    String code = s.decisionCode();
    setDecision(ps, 1, code);
    ps.setBoolean(2, s.end());
    ps.setInt(3, s.bodies().size());
    ps.setBytes(4, RecordBlob.join(s.bodies()));
    ps.setBoolean(5, s.end());
    ps.setString(6, s.tx().value());
    ps.setString(7, node.name());
    ps.setLong(8, node.epoch());
    setDecision(ps, 9, code);
  }

  private static void setDecision(PreparedStatement ps, int index, @Nullable String code)
      throws SQLException {
    if (code == null) {
      ps.setNull(index, Types.CHAR);
    } else {
      ps.setString(index, code);
    }
  }

  /** An append refused by its first statement; carries the exception its caller gets. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    final transient RuntimeException failure;

    Refused(RuntimeException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  /**
   * A group's steps split into Begins (inserts) and the others (updates), each in order of
   * transaction id: the order both ways of writing a group lock rows in, so that two groups in
   * flight at once never wait on each other in a circle. The sort is stable: one transaction's
   * steps keep their order.
   */
  record KeyOrder(List<Step> begins, List<Step> touches) {
    private static final Comparator<Step> BY_TX = Comparator.comparing(s -> s.tx().value());

    static KeyOrder of(List<Writer.Pending> group) {
      List<Step> begins = new ArrayList<>();
      List<Step> touches = new ArrayList<>();
      for (Writer.Pending p : group) {
        for (Step s : p.steps) {
          (s.protocol() != null ? begins : touches).add(s);
        }
      }
      begins.sort(BY_TX);
      touches.sort(BY_TX);
      return new KeyOrder(begins, touches);
    }
  }
}
