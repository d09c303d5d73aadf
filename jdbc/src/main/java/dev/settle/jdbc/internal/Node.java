package dev.settle.jdbc.internal;

import dev.settle.core.TransactionLogException;
import dev.settle.core.OwnershipLostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance as a node of the shared log: its name, the epoch it got when it opened, and its
 * lease. Opening bumps the epoch, which supersedes any older instance of the same name; the
 * heartbeat renews the lease; close releases it so that peers take over at once.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final LogConfig config;
  private final Sql sql;
  private final long epoch;
  /** Set once another instance opened under this name: nothing may be written any more. */
  private volatile boolean superseded;
  /** When the last stored renewal began, by {@link System#nanoTime}; the open counts as one. */
  private final AtomicLong renewedAt = new AtomicLong(System.nanoTime());
  /** Whether a write is renewing the lease now; see {@link #takeRenewal}. */
  private final AtomicBoolean renewing = new AtomicBoolean();

  private Node(LogConfig config, Sql sql, long epoch) {
    this.config = config;
    this.sql = sql;
    this.epoch = epoch;
  }

  /**
   * Registers {@code config.node()} with a new epoch and a fresh lease, and moves the node's
   * unfinished transactions to the new epoch, which fences an older instance still running under
   * the same name: its next write finds the epoch changed and is refused.
   */
  static Node open(LogConfig config, Sql sql, Connection c) throws SQLException {
    long lease = config.lease().toMillis();
    long epoch;
    try {
      epoch = register(config.node(), lease, sql, c);
    } catch (SQLException e) {
      c.rollback();
      if (!Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      epoch = register(config.node(), lease, sql, c); // another instance inserted the row first
    }
    try (PreparedStatement adopt = c.prepareStatement(sql.adoptOwnOlderEpochs)) {
      adopt.setLong(1, epoch);
      adopt.setString(2, config.node());
      adopt.setLong(3, epoch);
      int moved = adopt.executeUpdate();
      if (moved > 0) {
        LOG.info(
            "log node {} opened at epoch {}; adopted {} unfinished transactions of its earlier epochs",
            config.node(), epoch, moved);
      }
    }
    c.commit();
    return new Node(config, sql, epoch);
  }

  private static long register(String node, long lease, Sql sql, Connection c)
      throws SQLException {
    try (PreparedStatement bump = c.prepareStatement(sql.bumpEpoch)) {
      bump.setLong(1, lease);
      bump.setString(2, node);
      if (bump.executeUpdate() == 0) {
        try (PreparedStatement insert = c.prepareStatement(sql.insertNode)) {
          insert.setString(1, node);
          insert.setLong(2, lease);
          insert.executeUpdate();
        }
      }
    }
    try (PreparedStatement read = c.prepareStatement(sql.readEpoch)) {
      read.setString(1, node);
      try (ResultSet rs = read.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("node row " + node + " vanished while it was being registered");
        }
        return rs.getLong(1);
      }
    }
  }

  /** The node name. */
  public String name() {
    return config.node();
  }

  /** The epoch this instance holds. */
  public long epoch() {
    return epoch;
  }

  /** Whether a newer instance opened under this node name. */
  public boolean superseded() {
    return superseded;
  }

  /**
   * Renews the lease on {@code c} (in the caller's transaction, when it has one).
   *
   * @throws OwnershipLostException if a newer instance holds the node name
   */
  void renew(Connection c) throws SQLException {
    long startedAt = System.nanoTime();
    try (PreparedStatement renew = c.prepareStatement(sql.renewLease)) {
      renew.setLong(1, config.lease().toMillis());
      renew.setString(2, config.node());
      renew.setLong(3, epoch);
      if (renew.executeUpdate() == 0) {
        throw supersededNow();
      }
      if (c.getAutoCommit()) {
        renewed(startedAt);
      }
    }
  }

  /**
   * Renews the lease with {@code renew} (the {@link Sql#renewLease} statement, in the caller's
   * transaction); for writes that prove the node alive, which then keep its lease even while the
   * heartbeat cannot run. A superseded instance renews nothing here, and its writes are refused by
   * their own fence.
   */
  void renewWith(PreparedStatement renew) throws SQLException {
    renew.setLong(1, config.lease().toMillis());
    renew.setString(2, config.node());
    renew.setLong(3, epoch);
    renew.executeUpdate();
  }

  /**
   * Whether a write that proves the node alive should renew the lease now: the last renewal
   * (committed, by the heartbeat or by a write) is older than half a heartbeat interval, and no
   * other write is renewing. The JVM's monotonic clock only decides how often to renew; the lease
   * itself is always computed by the database clock. A true answer must be followed by {@link
   * #renewalDone}.
   */
  boolean takeRenewal() {
    if (System.nanoTime() - renewedAt.get() < config.heartbeat().toNanos() / 2) {
      return false;
    }
    return renewing.compareAndSet(false, true);
  }

  /**
   * Ends a renewal taken with {@link #takeRenewal} that began at {@code startedAt} ({@link
   * System#nanoTime}); {@code committed} says whether it was stored.
   */
  void renewalDone(long startedAt, boolean committed) {
    if (committed) {
      renewed(startedAt);
    }
    renewing.set(false);
  }

  private void renewed(long startedAt) {
    renewedAt.accumulateAndGet(startedAt, (last, now) -> now - last > 0 ? now : last);
  }

  /** Marks this instance superseded, logs it once, and returns the exception to throw. */
  OwnershipLostException supersededNow() {
    OwnershipLostException lost =
        new OwnershipLostException(
            null, config.node(), epoch, "a newer instance opened the log under the same node name");
    if (!superseded) {
      superseded = true;
      config.ownershipLost(lost);
      LOG.warn(
          "log node {} epoch {} was superseded: another instance opened the shared log under the"
              + " same node name. This instance writes nothing more; give every instance its own"
              + " node name.",
          config.node(), epoch);
    }
    return lost;
  }

  /** Throws if this instance was superseded. */
  void checkNotSuperseded() {
    if (superseded) {
      throw supersededNow();
    }
  }

  /** Renews the lease in a transaction of its own; see {@link #renew(Connection)}. */
  public void renewNow() {
    try (Borrowed borrowed = Borrowed.from(config.dataSource())) {
      Connection c = borrowed.connection();
      c.setAutoCommit(true);
      renew(c);
    } catch (SQLException e) {
      throw new TransactionLogException(
          "cannot renew the lease of log node " + config.node() + ": " + e.getMessage(), e);
    }
  }

  /** Ends the lease now, so that peers may take over this node's transactions at once. */
  public void release() {
    try (Borrowed borrowed = Borrowed.from(config.dataSource());
        PreparedStatement release = borrowed.connection().prepareStatement(sql.releaseLease)) {
      borrowed.connection().setAutoCommit(true);
      release.setString(1, config.node());
      release.setLong(2, epoch);
      release.executeUpdate();
    } catch (SQLException e) {
      // Peers take over once the lease runs out on its own; only that delay is lost.
      LOG.warn(
          "log node {} could not release its lease on close; peers take over when it expires: {}",
          config.node(), e.getMessage());
    }
  }
}
