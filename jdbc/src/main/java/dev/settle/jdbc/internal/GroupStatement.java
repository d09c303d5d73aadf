package dev.settle.jdbc.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A whole group of appends as one statement that commits on its own (PostgreSQL): the Begins'
 * inserts and the other appends' fenced updates ride in arrays, so a group costs one round trip
 * instead of four (the insert batch, the update batch, the commit, and the transaction's start).
 * On a machine where the coordinator and the database share the cores, that round-trip count, not
 * the rows written, is what bounds the log's throughput under concurrency.
 *
 * <p>It takes only groups it can write with the same guarantees as the transactional path: every
 * append in the group is one transaction's share (so refusing one refuses that whole append and
 * nothing else), and no transaction appears twice (an update joined to two of its steps would
 * apply only one). The statement reports which transactions it stored; any other was refused by
 * its fence, and nothing of it was written. If the statement fails with an error from the
 * database, it was rolled back whole, and the group goes the transactional way, which tells the
 * refused append apart. If the connection fails, no one can tell whether it committed.
 */
final class GroupStatement {
  /** How the statement ended. */
  enum Ended {
    /** Committed: the transactions in {@link Outcome#stored} were stored, the others refused. */
    COMMITTED,
    /** Rolled back whole by an error the database reported: nothing was stored. */
    ROLLED_BACK,
    /** The connection failed: the statement may or may not have committed. */
    UNKNOWN
  }

  /**
   * What the statement did.
   *
   * @param ended how it ended
   * @param stored the ids of the transactions it stored, when committed
   * @param failure the database's error, when it did not commit
   */
  record Outcome(Ended ended, Set<String> stored, @Nullable SQLException failure) {}

  /** Ids in the {@code stored} set of a statement that did not commit. */
  private static final Set<String> NONE = Set.of();

  /** SQLSTATE of a statement cancelled by {@code statement_timeout} or a cancel request. */
  private static final String QUERY_CANCELED = "57014";

  private final String statement;

  GroupStatement(String statement) {
    this.statement = statement;
  }

  /** Whether {@code group} can be written as one statement with the transactional path's guarantees. */
  static boolean fits(List<Writer.Pending> group) {
    Set<String> transactions = new HashSet<>();
    for (Writer.Pending p : group) {
      if (p.steps.size() != 1 || !transactions.add(p.steps.get(0).tx().value())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code group} (which {@link #fits}) as of {@code ownerNode} at {@code ownerEpoch}, in a
   * transaction of its own, and leaves the connection as it found it (autocommit off).
   *
   * @throws SQLException only if the connection could not be switched to or from autocommit
   *     before the statement was sent: nothing was stored then
   */
  Outcome write(WriteSession session, List<Writer.Pending> group, String ownerNode, long ownerEpoch)
      throws SQLException {
    // In transaction-id order, as the transactional path locks rows; that holds with the plan
    // PostgreSQL picks for small arrays (each element looked up by key). Should another plan lock
    // them otherwise, the database breaks the deadlock by failing one statement, which stored
    // nothing and goes the transactional way.
    GroupWrite.KeyOrder steps = GroupWrite.KeyOrder.of(group);
    Connection c = session.connection();
    PreparedStatement ps = session.prepared(statement);
    List<Array> arrays = new ArrayList<>();
    try {
      bindBegins(c, ps, arrays, steps.begins());
      ps.setString(7, ownerNode);
      ps.setLong(8, ownerEpoch);
      bindTouches(c, ps, arrays, steps.touches());
      ps.setString(14, ownerNode);
      ps.setLong(15, ownerEpoch);
      c.setAutoCommit(true);
    } catch (SQLException e) {
      free(arrays);
      throw e; // nothing was sent
    }
    try (ResultSet rs = ps.executeQuery()) {
      Set<String> stored = new HashSet<>();
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
      return new Outcome(Ended.COMMITTED, stored, null);
    } catch (SQLException e) {
      return new Outcome(rolledBack(e) ? Ended.ROLLED_BACK : Ended.UNKNOWN, NONE, e);
    } catch (RuntimeException e) {
      // Sent, and then the driver failed: whether it committed is not known.
      return new Outcome(Ended.UNKNOWN, NONE, new SQLException("the driver failed: " + e, e));
    } finally {
      free(arrays);
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        // A session that cannot leave autocommit must not write the transactional way: drop it.
        session.close();
      }
    }
  }

  /**
   * Whether the database's error {@code e} means the statement was rolled back. Only errors the
   * server raised while the statement ran qualify (a constraint, a deadlock or serialization
   * failure, bad data, a limit, a lock timeout, a cancelled statement): a lost connection or a
   * server shutdown may come after the commit (a session terminated while waiting for synchronous
   * replication has committed locally). An exception with a cause was raised in the client, after
   * the statement may have committed (pgjdbc reports running out of memory while reading the
   * answer as 53200, "out of memory", a class the server also uses): never a rollback.
   */
  static boolean rolledBack(SQLException e) {
    String state = e.getSQLState();
    if (e.getCause() != null || state == null || state.length() < 2) {
      return false;
    }
    if (state.equals(QUERY_CANCELED)) {
      return true; // statement_timeout or a cancel: an error only before the commit
    }
    return switch (state.substring(0, 2)) {
      case "22", "23", "25", "40", "42", "54", "55" -> true;
      default -> false;
    };
  }

  private static void bindBegins(Connection c, PreparedStatement ps, List<Array> arrays, List<Step> begins)
      throws SQLException {
    int n = begins.size();
    String[] tx = new String[n];
    String[] protocol = new String[n];
    String[] decision = new String[n];
    Boolean[] ended = new Boolean[n];
    Integer[] lastSeq = new Integer[n];
    byte[][] records = new byte[n][];
    for (int i = 0; i < n; i++) {
      Step s = begins.get(i);
      tx[i] = s.tx().value();
      protocol[i] = s.protocol();
      decision[i] = s.decisionCode();
      ended[i] = s.end();
      lastSeq[i] = s.bodies().size() - 1;
      records[i] = RecordBlob.join(s.bodies());
    }
    ps.setArray(1, array(c, arrays, "varchar", tx));
    ps.setArray(2, array(c, arrays, "varchar", protocol));
    ps.setArray(3, array(c, arrays, "bpchar", decision));
    ps.setArray(4, array(c, arrays, "bool", ended));
    ps.setArray(5, array(c, arrays, "int4", lastSeq));
    ps.setArray(6, array(c, arrays, "bytea", records));
  }

  private static void bindTouches(Connection c, PreparedStatement ps, List<Array> arrays, List<Step> touches)
      throws SQLException {
    int n = touches.size();
    String[] tx = new String[n];
    String[] decision = new String[n];
    Boolean[] ended = new Boolean[n];
    Integer[] count = new Integer[n];
    byte[][] records = new byte[n][];
    for (int i = 0; i < n; i++) {
      Step s = touches.get(i);
      tx[i] = s.tx().value();
      decision[i] = s.decisionCode();
      ended[i] = s.end();
      count[i] = s.bodies().size();
      records[i] = RecordBlob.join(s.bodies());
    }
    ps.setArray(9, array(c, arrays, "varchar", tx));
    ps.setArray(10, array(c, arrays, "bpchar", decision));
    ps.setArray(11, array(c, arrays, "bool", ended));
    ps.setArray(12, array(c, arrays, "int4", count));
    ps.setArray(13, array(c, arrays, "bytea", records));
  }

  private static Array array(Connection c, List<Array> arrays, String type, Object[] values)
      throws SQLException {
    Array a = c.createArrayOf(type, values);
    arrays.add(a);
    return a;
  }

  private static void free(List<Array> arrays) {
    for (Array a : arrays) {
      try {
        a.free();
      } catch (SQLException ignored) {
        // client-side arrays; nothing to release on the server
      }
    }
  }
}
