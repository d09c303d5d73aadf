package dev.settle.jdbc;

import static dev.settle.jdbc.SharedLogFixture.begin;
import static dev.settle.jdbc.SharedLogFixture.replay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.OwnershipLostException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.testsupport.UrlDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared log when the JDBC driver itself misbehaves, on H2: a driver that throws an unchecked
 * exception or an {@link Error} while a group is written fails that append with what happened and
 * the log goes on, on a new connection; a commit that fails leaves its appends "may or may not be
 * stored", unless another node has taken their transactions meanwhile, which is then certain and
 * reported as a loss.
 */
class H2LogDriverFaultsTest {
  private final FaultyDataSource db =
      new FaultyDataSource(
          new UrlDataSource(
              "jdbc:h2:mem:driver-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", ""));
  private final SharedLogFixture fx = new SharedLogFixture(db);

  @AfterEach
  void tearDown() {
    db.next = null;
    fx.closeAll();
  }

  /** A node whose heartbeat never runs: no commit but the test's own. */
  private JdbcTransactionLog open(String node) {
    JdbcTransactionLog log = fx.dying(node, Duration.ofSeconds(30), db, b -> b.writerConnections(1));
    log.claim("tcc", "test");
    return log;
  }

  @Test
  void aDriverThatThrowsAnUncheckedExceptionFailsTheAppendAndANewConnectionIsUsedAfter() {
    JdbcTransactionLog log = open("node-a");
    db.next = Fault.PREPARE_THROWS_UNCHECKED; // the writer's connection, opened on the first append

    assertThatThrownBy(() -> log.append(begin("refused-by-driver", "tcc"), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("cannot write to the shared log")
        .hasMessageContaining("driver bug")
        .hasRootCauseInstanceOf(IllegalStateException.class);

    log.append(begin("after", "tcc"), true);
    assertThat(replay(log)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("after"));
  }

  @Test
  void anErrorFromTheDriverReachesTheCallerAndTheLogGoesOnOnANewConnection() {
    JdbcTransactionLog log = open("node-a");
    db.next = Fault.PREPARE_THROWS_ERROR;

    assertThatThrownBy(() -> log.append(begin("hit-by-error", "tcc"), true))
        .isInstanceOf(LinkageError.class)
        .hasMessage("driver class missing");

    log.append(begin("after", "tcc"), true);
    assertThat(replay(log)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("after"));
  }

  /** Two transactions in one append are written as statements and a commit: the way tested here. */
  @Test
  void aFailedCommitLeavesItsAppendMayOrMayNotBeStoredAndTheLogGoesOn() {
    JdbcTransactionLog log = open("node-a");
    log.append(List.of(begin("t1", "tcc"), begin("t2", "tcc")), true);
    db.breakNextCommit(null); // the writer's connection is open already: break its next commit
    db.failCommitsOfOpenConnections = true;

    assertThatThrownBy(
            () -> log.append(List.of(new LogRecord.Decided(new TransactionId("t1"), Decision.COMMIT),
                new LogRecord.Decided(new TransactionId("t2"), Decision.COMMIT)), true))
        .isInstanceOf(TransactionLogException.class)
        .isNotInstanceOf(OwnershipLostException.class)
        .hasMessage("the shared log's commit failed; these records may or may not be stored: connection reset");

    log.append(List.of(new LogRecord.Decided(new TransactionId("t1"), Decision.ROLLBACK),
        new LogRecord.Decided(new TransactionId("t2"), Decision.ROLLBACK)), true);
    assertThat(log.decision(new TransactionId("t1"))).contains(Decision.ROLLBACK);
  }

  /**
   * A commit whose fate is unknown, while a peer took the transactions over (this node's lease
   * ran out): that the peer owns them now is certain, so each append learns it lost them (and
   * that its own write may or may not have been stored), and the node's listener hears of it.
   */
  @Test
  void aFailedCommitWhoseTransactionsAPeerTookMeanwhileIsReportedAsLost() {
    List<OwnershipLostException> heard = new CopyOnWriteArrayList<>();
    JdbcTransactionLog a =
        fx.dying("node-a", Duration.ofMillis(300), db, b -> b.writerConnections(1).onOwnershipLost(heard::add));
    a.claim("tcc", "test");
    a.append(List.of(begin("t1", "tcc"), begin("t2", "tcc")), true);
    SharedLogFixture.sleep(Duration.ofMillis(400)); // node-a looks dead now
    JdbcTransactionLog b = open("node-b");
    db.failCommitsOfOpenConnections = true;
    db.breakNextCommit(() -> assertThat(replay(b)).hasSize(2)); // b takes both over once a's rows are free

    assertThatThrownBy(
            () -> a.append(List.of(new LogRecord.Decided(new TransactionId("t1"), Decision.COMMIT),
                new LogRecord.Decided(new TransactionId("t2"), Decision.COMMIT)), true))
        .isInstanceOf(OwnershipLostException.class)
        .hasMessageContaining("node node-b (epoch " + b.epoch() + ") owns it now")
        .hasMessageContaining("Whether this write was stored is not known")
        .isInstanceOfSatisfying(OwnershipLostException.class, lost -> assertThat(lost.mayHaveBeenStored()).isTrue());
    assertThat(heard).singleElement().satisfies(lost -> assertThat(lost.lostTransaction()).isNotNull());
    assertThat(fx.owner("t1")).isEqualTo("node-b@" + b.epoch());
    assertThat(a.decision(new TransactionId("t1"))).isEmpty();
  }

  /**
   * A driver whose commit fails with an unchecked exception may have committed: the append is
   * "may or may not be stored", never reported as not written. Here the commit did land.
   */
  @Test
  void aCommitThatThrowsAnUncheckedExceptionLeavesItsAppendMayOrMayNotBeStored() {
    JdbcTransactionLog log = open("node-a");
    db.next = Fault.COMMIT_LANDS_THEN_THROWS_UNCHECKED;
    TransactionId tx = new TransactionId("landed");

    assertThatThrownBy(() -> log.append(List.of(begin(tx.value(), "tcc"), begin("landed-too", "tcc")), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("may or may not be stored")
        .hasMessageContaining("driver bug after commit");
    assertThat(log.records(tx)).as("what the commit stored").hasSize(1);
    log.append(new LogRecord.Decided(tx, Decision.ROLLBACK), true);
  }

  /** What the next connection handed out does wrong. */
  private enum Fault {
    PREPARE_THROWS_UNCHECKED,
    PREPARE_THROWS_ERROR,
    COMMIT_LANDS_THEN_THROWS_UNCHECKED
  }

  /**
   * A data source whose next connection can be faulty, and whose open connections' next commit can
   * be made to fail after rolling back (as when the connection drops while the commit is under
   * way: the client cannot tell what the server did), running an action between the two.
   */
  private static final class FaultyDataSource extends ForwardingDataSource {
    volatile @Nullable Fault next;
    volatile boolean failCommitsOfOpenConnections;
    private volatile @Nullable Runnable beforeFailedCommit;
    private volatile boolean commitArmed;

    FaultyDataSource(DataSource real) {
      super(real);
    }

    void breakNextCommit(@Nullable Runnable meanwhile) {
      beforeFailedCommit = meanwhile;
      commitArmed = true;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = super.getConnection();
      Fault fault = next;
      next = null;
      return (Connection) Proxy.newProxyInstance(
          Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (fault == Fault.COMMIT_LANDS_THEN_THROWS_UNCHECKED && name.equals("commit")) {
              c.commit();
              throw new IllegalStateException("driver bug after commit");
            }
            if ((fault == Fault.PREPARE_THROWS_UNCHECKED || fault == Fault.PREPARE_THROWS_ERROR)
                && name.equals("prepareStatement")) {
              throw fault == Fault.PREPARE_THROWS_ERROR
                  ? new LinkageError("driver class missing")
                  : new IllegalStateException("driver bug");
            }
            if (name.equals("commit") && failCommitsOfOpenConnections && commitArmed) {
              commitArmed = false;
              c.rollback();
              Runnable meanwhile = beforeFailedCommit;
              if (meanwhile != null) {
                meanwhile.run();
              }
              throw new SQLException("connection reset", "08006");
            }
            try {
              return method.invoke(c, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }
}
