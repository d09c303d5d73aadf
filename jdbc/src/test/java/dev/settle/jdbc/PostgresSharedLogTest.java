package dev.settle.jdbc;

import dev.settle.core.OwnershipLostException;
import static dev.settle.jdbc.SharedLogFixture.begin;
import static dev.settle.jdbc.SharedLogFixture.replay;
import static dev.settle.jdbc.SharedLogFixture.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.testsupport.ThrowawayPostgres;
import dev.settle.testsupport.UrlDataSource;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.xa.XaParticipant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import javax.sql.XAConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/** The shared log on a real PostgreSQL server, the reference database. */
class PostgresSharedLogTest extends SharedLogContract {
  @Override
  DataSource dataSource() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    return new UrlDataSource(pg.database("sharedlog"), pg.user(), pg.password());
  }

  /**
   * A node frozen between its last statement and its commit keeps its transaction open, and the
   * rows it updated locked; the claim skips locked rows, so without a bound a frozen node would
   * keep its transactions from every peer for as long as it stays frozen. PostgreSQL ends such a
   * session once it has sat in its open transaction for a lease, the locks go with it, and a peer
   * takes the transactions over. The frozen node, woken, learns it lost them. (An append that spans
   * two transactions is written as statements and then a commit; a single transaction's append
   * is one statement, below.)
   */
  @Test
  void aNodeFrozenInTheMiddleOfAWriteDoesNotKeepItsTransactionsFromPeers() throws Exception {
    frozenWriteIsTakenOverAndRefused(
        new TransactionId("frozen-mid-write-1"), new TransactionId("frozen-mid-write-2"));
  }

  /**
   * A node frozen just before it sends a group as one statement holds no lock; a peer takes the
   * transaction over once the lease runs out, and the statement, sent when the node wakes, is
   * refused by the fence it carries: the late write never lands and the node reports the loss.
   */
  @Test
  void aLateGroupStatementFromANodeFrozenPastItsLeaseIsRefused() throws Exception {
    frozenWriteIsTakenOverAndRefused(new TransactionId("frozen-before-send"));
  }

  private void frozenWriteIsTakenOverAndRefused(TransactionId... txs) throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofSeconds(1), freezing);
    List<LogRecord> decisions = new ArrayList<>();
    for (TransactionId tx : txs) {
      a.append(begin(tx.value(), "tcc"), true);
      decisions.add(new LogRecord.Decided(tx, Decision.COMMIT));
    }
    freezing.freezeNextCommit();
    CompletableFuture<Void> late = CompletableFuture.runAsync(() -> a.append(decisions, true));
    assertThat(freezing.awaitFrozen(10)).as("node-a's write reached its commit").isTrue();

    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (replay(b).size() < txs.length) {
        assertThat(System.nanoTime())
            .as("node-b never took over the transactions node-a froze in the middle of writing")
            .isLessThan(deadline);
        sleep(Duration.ofMillis(100));
      }
      for (TransactionId tx : txs) {
        assertThat(fx.owner(tx.value())).isEqualTo("node-b@" + b.epoch());
      }
    } finally {
      freezing.thaw();
    }
    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(OwnershipLostException.class);
    for (TransactionId tx : txs) {
      assertThat(b.decision(tx)).as("the frozen write never landed").isEmpty();
    }
  }

  /**
   * A write frozen past the lease whose session the server ended stored nothing, for certain: the
   * server rolled it back before the commit arrived. So the write is made again on a new session
   * rather than reported as "may or may not be stored": a node that wakes from a pause goes on
   * with the transactions it still owns (here two it had just begun, in one append, which is
   * written as statements and then a commit) without a false alarm.
   */
  @Test
  void aWriteWhoseSessionTheServerEndedIsWrittenAgainOnANewSession() throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofSeconds(1), freezing);
    a.append(begin("opens-the-session", "tcc"), true); // so the commit frozen below is the group's
    freezing.freezeNextCommit();
    CompletableFuture<Void> begin =
        CompletableFuture.runAsync(
            () -> a.append(List.of(begin("begun-while-frozen-1", "tcc"), begin("begun-while-frozen-2", "tcc")), true));
    assertThat(freezing.awaitFrozen(10)).isTrue();
    sleep(Duration.ofMillis(2500)); // past the lease: the server ends the idle session
    freezing.thaw();
    begin.get(10, TimeUnit.SECONDS);
    assertThat(fx.owner("begun-while-frozen-1")).isEqualTo("node-a@" + a.epoch());
    assertThat(fx.owner("begun-while-frozen-2")).isEqualTo("node-a@" + a.epoch());
  }

  /**
   * A group sent as one statement commits as it runs, so when the connection breaks under it no
   * one can tell whether it committed: each of its appends fails as "may or may not be stored",
   * never as refused or as stored. The log goes on, on a new connection.
   */
  @Test
  void aGroupStatementWhoseConnectionBreaksUnderItIsReportedAsMayOrMayNotBeStored() throws Exception {
    AtomicBoolean killNext = new AtomicBoolean();
    DataSource killing =
        new CommitInterceptingDataSource(fx.dataSource) {
          @Override
          void beforeCommit() {
            if (killNext.getAndSet(false)) {
              terminateOtherSessions();
            }
          }
        };
    JdbcTransactionLog a = fx.keep(JdbcTransactionLog.builder(killing, "node-a").writerConnections(1).open());
    a.append(begin("before", "tcc"), true);
    killNext.set(true);
    assertThatThrownBy(() -> a.append(begin("broken", "tcc"), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("may or may not be stored");
    a.append(begin("after", "tcc"), true);
    assertThat(fx.owner("after")).isEqualTo("node-a@" + a.epoch());
  }

  /**
   * A group statement whose fate is unknown, while a peer took its transaction over (this node's
   * lease ran out): that the peer owns it now is certain, whatever the statement did, so the
   * append learns it lost the transaction, and that its own write may or may not have been stored.
   */
  @Test
  void aGroupStatementOfUnknownFateWhoseTransactionAPeerTookIsReportedAsLost() throws Exception {
    AtomicBoolean takeOverAndBreak = new AtomicBoolean();
    JdbcTransactionLog[] peer = new JdbcTransactionLog[1];
    DataSource breaking =
        new CommitInterceptingDataSource(fx.dataSource) {
          @Override
          void beforeCommit() {
            if (takeOverAndBreak.getAndSet(false)) {
              assertThat(replay(peer[0])).hasSize(1);
              terminateOtherSessions();
            }
          }
        };
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(300), breaking);
    TransactionId tx = new TransactionId("taken-while-unknown");
    a.append(begin(tx.value(), "tcc"), true);
    sleep(Duration.ofMillis(400));
    peer[0] = fx.live("node-b");
    peer[0].claim("tcc", "test");
    takeOverAndBreak.set(true);

    assertThatThrownBy(() -> a.append(new LogRecord.Decided(tx, Decision.COMMIT), true))
        .isInstanceOf(OwnershipLostException.class)
        .hasMessageContaining("node node-b (epoch " + peer[0].epoch() + ") owns it now")
        .hasMessageContaining("Whether this write was stored is not known")
        .isInstanceOfSatisfying(OwnershipLostException.class, lost -> assertThat(lost.mayHaveBeenStored()).isTrue());
    assertThat(fx.owner(tx.value())).isEqualTo("node-b@" + peer[0].epoch());
    assertThat(peer[0].decision(tx)).isEmpty();
  }

  /**
   * A pool may hand out sessions with a bound of its own on idle open transactions; the log's
   * writers set theirs (the lease), and give each session back with the pool's bound again, not
   * the server's default.
   */
  @Test
  void theSessionBoundAPoolSetIsWhatItGetsBack() throws Exception {
    DataSource poolWithItsOwnBound =
        new ForwardingDataSource(fx.dataSource) {
          @Override
          public Connection getConnection() throws SQLException {
            Connection c = super.getConnection();
            try (var set = c.createStatement()) {
              set.execute("SET idle_in_transaction_session_timeout = '7min'");
            }
            return c;
          }
        };
    LoanRecordingDataSource loans = new LoanRecordingDataSource(poolWithItsOwnBound);
    JdbcTransactionLog a = JdbcTransactionLog.builder(loans, "node-a").writerConnections(2).open();
    a.claim("tcc", "test");
    TransactionId tx = new TransactionId("bounded");
    a.append(begin(tx.value(), "tcc"), true);
    a.append(List.of(new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.End(tx)), true);
    replay(a);
    a.close();

    assertThat(loans.loans).allSatisfy(l -> assertThat(l.sessionBoundOut).isEqualTo("7min"));
    assertThat(loans.badLoans()).isEmpty();
  }

  /**
   * A writer connection the server closed while it sat unused is found before the next group is
   * sent on it, so that group is written on a new connection instead of failing as "may or may
   * not be stored".
   */
  @Test
  void aWriterConnectionClosedWhileUnusedIsReplacedBeforeTheNextGroup() throws Exception {
    JdbcTransactionLog a = fx.keep(JdbcTransactionLog.builder(fx.dataSource, "node-a").writerConnections(1).open());
    a.append(begin("before", "tcc"), true);
    terminateOtherSessions();
    sleep(Duration.ofMillis(1200)); // unused for longer than a writer connection is trusted
    a.append(begin("after", "tcc"), true);
    assertThat(fx.owner("after")).isEqualTo("node-a@" + a.epoch());
  }

  /**
   * The transaction table leaves room on each page, so that the updates every append makes stay
   * on the row's page without new index entries; the log still works the same.
   */
  @Test
  void theTransactionTableLeavesRoomOnItsPagesForItsRowsUpdates() throws Exception {
    JdbcTransactionLog a = fx.live("node-a");
    TransactionId tx = new TransactionId("roomy");
    a.append(begin(tx.value(), "tcc"), true);
    a.append(new LogRecord.Decided(tx, Decision.COMMIT), true);
    try (Connection c = fx.dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = to_regclass('settle_tx')")) {
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).contains("fillfactor=70");
      }
    }
    assertThat(a.decision(tx)).contains(Decision.COMMIT);
  }

  /** Ends every other client session on the test database, as a server restart or a proxy would. */
  private void terminateOtherSessions() {
    fx.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
  }

  /**
   * 2PC over XA taken over by another node: the branches were prepared under Xids that carry the
   * name of the node that began the transaction, so the node that takes it over must commit them
   * under that name. Under its own name the database would answer "no such branch", which reads as
   * "already committed": an outcome that lies, with the prepared branches (and their locks) left.
   */
  @Test
  void aPeerFinishesATakenOverXaTransactionUnderTheXidsItWasPreparedWith() throws Exception {
    PGXADataSource xa = xaDataSource();
    fx.sql("CREATE TABLE IF NOT EXISTS xa_row (branch VARCHAR(20), tx VARCHAR(64))");
    long preparedBefore = preparedXacts();

    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(500));
    TwoPhaseCoordinator onA =
        TwoPhaseCoordinator.builder().log(a).nodeName("node-a").phaseTwoRetry(RetryPolicy.none()).build();
    XAConnection left = xa.getXAConnection();
    XAConnection right = xa.getXAConnection();
    Outcome stuck =
        onA.execute(
            TwoPhaseTransaction.builder()
                .enlist("left", InterferedBranch.commitsUnanswered(new XaParticipant("left", left.getXAResource())))
                .enlist("right", InterferedBranch.commitsUnanswered(new XaParticipant("right", right.getXAResource())))
                .work(
                    tx -> {
                      insert(left.getConnection(), "left", tx);
                      insert(right.getConnection(), "right", tx);
                    })
                .build());
    assertThat(stuck).isInstanceOf(Outcome.InDoubt.class);
    assertThat(preparedXacts()).isEqualTo(preparedBefore + 2);
    left.close(); // node-a is gone
    right.close();

    sleep(Duration.ofMillis(700));
    XAConnection recovery = xa.getXAConnection();
    try {
      TwoPhaseCoordinator onB =
          TwoPhaseCoordinator.builder()
              .log(fx.live("node-b"))
              .nodeName("node-b")
              .participant(new XaParticipant("left", recovery.getXAResource()))
              .participant(new XaParticipant("right", recovery.getXAResource()))
              .build();
      assertThat(onB.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
      assertThat(preparedXacts()).as("prepared branches left behind").isEqualTo(preparedBefore);
      assertThat(rowsOf(stuck.transactionId().value())).isEqualTo(2);
    } finally {
      recovery.close();
    }
  }

  /**
   * A paused node's prepare that lands after the node that took the transaction over rolled the
   * branches back (finding nothing prepared) would leave that branch prepared, holding its locks,
   * for good. The paused node, refused when it logs its decision, applies the logged decision to
   * the branches it opened.
   */
  @Test
  void aPrepareThatLandsAfterTheTakeoverIsRolledBackByTheNodeThatLostTheTransaction() throws Exception {
    PGXADataSource xa = xaDataSource();
    fx.sql("CREATE TABLE IF NOT EXISTS xa_row (branch VARCHAR(20), tx VARCHAR(64))");
    long preparedBefore = preparedXacts();

    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(500));
    TwoPhaseCoordinator onA =
        TwoPhaseCoordinator.builder()
            .log(a)
            .nodeName("node-a")
            .phaseTwoRetry(RetryPolicy.none())
            .prepareTimeout(Duration.ofSeconds(60)) // the held prepare must not time out, however slow the machine
            .build();
    XAConnection left = xa.getXAConnection();
    XAConnection right = xa.getXAConnection();
    InterferedBranch slowLeft = InterferedBranch.prepareHeld(new XaParticipant("left", left.getXAResource()));
    XaParticipant quickRight = new XaParticipant("right", right.getXAResource());
    String[] tx = new String[1];
    CompletableFuture<Outcome> paused =
        CompletableFuture.supplyAsync(
            () ->
                onA.execute(
                    TwoPhaseTransaction.builder()
                        .enlist("left", slowLeft)
                        .enlist("right", quickRight)
                        .work(
                            id -> {
                              tx[0] = id.value();
                              insert(left.getConnection(), "left", id);
                              insert(right.getConnection(), "right", id);
                            })
                        .build()));
    XAConnection recovery = xa.getXAConnection();
    try {
      assertThat(slowLeft.prepareEntered.await(10, TimeUnit.SECONDS)).isTrue();
      sleep(Duration.ofMillis(700)); // node-a's lease runs out while its prepare hangs
      TwoPhaseCoordinator onB =
          TwoPhaseCoordinator.builder()
              .log(fx.live("node-b"))
              .nodeName("node-b")
              .participant(new XaParticipant("left", recovery.getXAResource()))
              .participant(new XaParticipant("right", recovery.getXAResource()))
              .build();
      assertThat(onB.recover()).singleElement().isInstanceOf(Outcome.RolledBack.class);

      slowLeft.prepareHeld.countDown(); // node-a wakes: its prepare lands after the rollback
      assertThatThrownBy(() -> paused.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(OwnershipLostException.class);
      assertThat(preparedXacts()).as("a branch left prepared").isEqualTo(preparedBefore);
      assertThat(rowsOf(tx[0])).isZero();
    } finally {
      slowLeft.prepareHeld.countDown();
      recovery.close();
      left.close();
      right.close();
    }
  }

  private static PGXADataSource xaDataSource() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    PGXADataSource xa = new PGXADataSource();
    xa.setUrl(pg.database("sharedlog"));
    xa.setUser(pg.user());
    xa.setPassword(pg.password());
    return xa;
  }

  private static void insert(Connection c, String branch, TransactionId tx) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO xa_row (branch, tx) VALUES (?, ?)")) {
      ps.setString(1, branch);
      ps.setString(2, tx.value());
      ps.executeUpdate();
    }
  }

  private long preparedXacts() throws SQLException {
    return count("SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()", null);
  }

  private long rowsOf(String tx) throws SQLException {
    return count("SELECT count(*) FROM xa_row WHERE tx = ?", tx);
  }

  private long count(String query, @Nullable String parameter) throws SQLException {
    try (Connection c = fx.dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(query)) {
      if (parameter != null) {
        ps.setString(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
