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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
   * row it updated locked; the claim skips locked rows, so without a bound a frozen node would
   * keep its transactions from every peer for as long as it stays frozen. PostgreSQL ends such a
   * session once it has sat in its open transaction for a lease, the lock goes with it, and a
   * peer takes the transaction over. The frozen node, woken, learns it lost the transaction.
   */
  @Test
  void aNodeFrozenInTheMiddleOfAWriteDoesNotKeepItsTransactionsFromPeers() throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofSeconds(1), freezing);
    TransactionId tx = new TransactionId("frozen-mid-write");
    a.append(begin(tx.value(), "tcc"), true);
    freezing.freezeNextCommit();
    CompletableFuture<Void> late =
        CompletableFuture.runAsync(() -> a.append(new LogRecord.Decided(tx, Decision.COMMIT), true));
    assertThat(freezing.awaitFrozen(10)).as("node-a's write reached its commit").isTrue();

    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (replay(b).isEmpty()) {
        assertThat(System.nanoTime())
            .as("node-b never took over the transaction node-a froze in the middle of writing")
            .isLessThan(deadline);
        sleep(Duration.ofMillis(100));
      }
      assertThat(fx.owner(tx.value())).isEqualTo("node-b@" + b.epoch());
    } finally {
      freezing.thaw();
    }
    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(OwnershipLostException.class);
    assertThat(b.decision(tx)).as("the frozen write never landed").isEmpty();
  }

  /**
   * A write frozen past the lease whose session the server ended stored nothing, for certain: the
   * server rolled it back before the commit arrived. So the write is made again on a new session
   * rather than reported as "may or may not be stored": a node that wakes from a pause goes on
   * with the transactions it still owns (here one it had just begun) without a false alarm.
   */
  @Test
  void aWriteWhoseSessionTheServerEndedIsWrittenAgainOnANewSession() throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofSeconds(1), freezing);
    freezing.freezeNextCommit();
    TransactionId tx = new TransactionId("begun-while-frozen");
    CompletableFuture<Void> begin = CompletableFuture.runAsync(() -> a.append(begin(tx.value(), "tcc"), true));
    assertThat(freezing.awaitFrozen(10)).isTrue();
    sleep(Duration.ofMillis(2500)); // past the lease: the server ends the idle session
    freezing.thaw();
    begin.get(10, TimeUnit.SECONDS);
    assertThat(fx.owner(tx.value())).isEqualTo("node-a@" + a.epoch());
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
