package dev.settle.jdbc;

import static dev.settle.jdbc.SharedLogFixture.begin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogClaim;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.testsupport.UrlDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared log's life on H2: what a heartbeat does, what closing gives back (every connection,
 * its thread, its lease), that a closed log refuses work naming its node, the settings at their
 * exact bounds, and what an operator reads when a node takes over a dead peer's transactions.
 */
class H2LogLifecycleTest {
  private final CountingDataSource db =
      new CountingDataSource(
          new UrlDataSource("jdbc:h2:mem:life-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", ""));
  private final SharedLogFixture fx = new SharedLogFixture(db);

  @AfterEach
  void tearDown() {
    fx.closeAll();
  }

  /** One beat renews the lease and then deletes up to 20 batches of expired history, no more. */
  @Test
  void aBeatPurgesAtMostTwentyBatchesOfExpiredHistory() {
    ManualBeat beats = new ManualBeat();
    JdbcTransactionLog log =
        fx.keep(
            JdbcTransactionLog.builder(db, "node-a")
                .historyRetention(Duration.ZERO)
                .historyBatchSize(2)
                .heartbeatScheduler(beats)
                .open());
    for (int i = 0; i < 41; i++) {
      TransactionId tx = new TransactionId("ended-" + i);
      log.append(List.of(begin(tx.value(), "tcc"), new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.End(tx)), true);
    }
    SharedLogFixture.sleep(Duration.ofMillis(20));
    assertThat(endedRows()).isEqualTo(41);

    beats.beat();
    assertThat(endedRows()).as("20 batches of 2").isEqualTo(1);
    beats.beat();
    assertThat(endedRows()).isZero();
    beats.shutdownNow();
  }

  @Test
  void closingGivesBackEveryConnectionTheHeartbeatThreadAndTheLease() throws Exception {
    JdbcTransactionLog log = JdbcTransactionLog.builder(db, "node-a").writerConnections(4).open();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int me = t;
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 20; i++) {
          log.append(begin("w" + me + "-" + i, "tcc"), true);
        }
      });
      writer.start();
      writers.add(writer);
    }
    for (Thread writer : writers) {
      writer.join();
    }
    log.claim("tcc", "test");
    log.replay(r -> {});
    log.purgeHistory();
    assertThat(heartbeatThreads("node-a")).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());

    log.close();
    log.close(); // idempotent

    assertThat(db.open.get()).as("connections still open after close").isZero();
    waitUntil(() -> heartbeatThreads("node-a").isEmpty());
    assertThat(heartbeatThreads("node-a")).isEmpty();
    // The lease ended with the close: a peer takes the unfinished transactions over at once.
    JdbcTransactionLog peer = fx.live("node-b");
    peer.claim("tcc", "test");
    List<LogRecord> taken = new ArrayList<>();
    peer.replay(taken::add);
    assertThat(taken).hasSize(80);
  }

  @Test
  void aClosedLogRefusesWorkNamingItsNode() {
    JdbcTransactionLog log = JdbcTransactionLog.builder(db, "node-a").open();
    log.close();
    String closed = "the shared log of node node-a is closed";
    assertThatThrownBy(() -> log.append(begin("late", "tcc"), true))
        .isInstanceOf(TransactionLogException.class).hasMessage(closed);
    assertThatThrownBy(() -> log.append(List.of(), true))
        .as("even an append with nothing in it").isInstanceOf(TransactionLogException.class).hasMessage(closed);
    assertThatThrownBy(() -> log.replay(r -> {})).isInstanceOf(TransactionLogException.class).hasMessage(closed);
    assertThatThrownBy(log::purgeHistory).isInstanceOf(TransactionLogException.class).hasMessage(closed);
    assertThatThrownBy(log::renewLease).isInstanceOf(TransactionLogException.class).hasMessage(closed);
  }

  @Test
  void aClaimSaysWhoHoldsWhichProtocolUntilReleased() {
    JdbcTransactionLog log = fx.keep(JdbcTransactionLog.builder(db, "node-a").open());
    LogClaim claim = log.claim("saga", "saga coordinator 1");
    assertThat(claim.protocol()).isEqualTo("saga");
    assertThat(claim.owner()).isEqualTo("saga coordinator 1");
    claim.release();
    assertThat(log.claim("saga", "saga coordinator 2").owner()).isEqualTo("saga coordinator 2");
  }

  @Test
  void settingsAreAcceptedAtTheirExactBounds() {
    JdbcTransactionLog.Builder builder = JdbcTransactionLog.builder(db, "n");
    builder.writerConnections(1).writerConnections(JdbcTransactionLog.MAX_WRITER_CONNECTIONS);
    builder.leaseDuration(Duration.ofMillis(100)).heartbeatInterval(Duration.ofMillis(10));
    assertThatThrownBy(() -> builder.leaseDuration(Duration.ofMillis(99)))
        .hasMessage("leaseDuration must be at least PT0.1S, was PT0.099S");
    assertThatThrownBy(() -> builder.heartbeatInterval(Duration.ofMillis(9)))
        .hasMessageContaining("heartbeatInterval must be at least");
    assertThatThrownBy(() -> builder.databaseClock(";CURRENT_TIMESTAMP"))
        .hasMessageContaining("databaseClock must be one SQL expression");
    assertThatThrownBy(() -> builder.databaseClock("CURRENT_TIMESTAMP;"))
        .hasMessageContaining("databaseClock must be one SQL expression");
    try (JdbcTransactionLog smallest = builder.open()) {
      assertThat(smallest.node()).isEqualTo("n");
    }
    assertThat(BackgroundRecovery.every(Duration.ofMillis(10), fx.tcc(fx.live("node-r"), new Account("x"))))
        .satisfies(BackgroundRecovery::close);
  }

  /** For migration tools that run one statement at a time: each is whole, and only one. */
  @Test
  void theSchemaIsHandedOutOneStatementAtATime() {
    for (String database : List.of("h2", "postgresql")) {
      String script = JdbcTransactionLog.schema(database);
      List<String> statements = JdbcTransactionLog.schemaStatements(database);
      assertThat(statements).hasSizeGreaterThan(3).allSatisfy(statement -> {
        assertThat(statement).doesNotContain(";").doesNotStartWith("--");
        assertThat(script).contains(statement + ";");
      });
    }
  }

  /** The background recovery thread never keeps the JVM alive, and close ends it. */
  @Test
  void backgroundRecoveryRunsOnADaemonThreadThatCloseEnds() throws Exception {
    BackgroundRecovery recovery =
        BackgroundRecovery.every(Duration.ofMillis(20), fx.tcc(fx.live("node-r"), new Account("x")));
    waitUntil(() -> !threadsNamed("settle-background-recovery").isEmpty());
    assertThat(threadsNamed("settle-background-recovery")).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
    recovery.close();
    waitUntil(() -> threadsNamed("settle-background-recovery").isEmpty());
    assertThat(threadsNamed("settle-background-recovery")).isEmpty();
  }

  /**
   * A node that begins transactions is alive: its writes renew its lease while its heartbeat
   * cannot run (a starved thread), so peers never take over what it is running, and they renew
   * at most once per half heartbeat interval, not on every write (each renewal locks the node's
   * row until its group commits).
   */
  @Test
  void writesKeepTheLeaseWhileTheHeartbeatCannotRunRenewingOnlyNowAndThen() {
    JdbcTransactionLog writer = fx.dying("node-w", Duration.ofSeconds(2)); // heartbeat every 1 s, never run
    int before = db.renewals.get();
    int appends = 0;
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < end) {
      writer.append(begin("alive-" + appends++, "tcc"), true);
      SharedLogFixture.sleep(Duration.ofMillis(20));
    }
    int renewed = db.renewals.get() - before;

    JdbcTransactionLog peer = fx.live("node-p");
    peer.claim("tcc", "test");
    List<LogRecord> taken = new ArrayList<>();
    peer.replay(taken::add);
    assertThat(taken).as("the writer's lease outlived its 2 s by its writes").isEmpty();
    assertThat(renewed).as("renewals in %s appends over 3 s", appends).isBetween(2, 12);
    assertThat(appends).isGreaterThan(40);
  }

  /** After a takeover, one INFO line says how many transactions came from which node and epoch. */
  @Test
  void aTakeoverTellsOperatorsHowManyTransactionsCameFromWhom() {
    try (CapturedLog captured = CapturedLog.of("dev.settle.jdbc.internal.Takeover")) {
      JdbcTransactionLog dead = fx.dying("node-b", Duration.ofMillis(200));
      dead.append(begin("orphan-1", "tcc"), true);
      dead.append(begin("orphan-2", "tcc"), true);
      SharedLogFixture.sleep(Duration.ofMillis(400));
      JdbcTransactionLog heir = fx.live("node-a");
      heir.claim("tcc", "test");
      heir.replay(r -> {});
      heir.replay(r -> {}); // nothing more to take: no second line

      assertThat(captured.lines(Level.INFO, "took over")).containsExactly(
          "log node node-a epoch " + heir.epoch() + " took over 2 transactions from {node-b epoch " + dead.epoch() + "=2}");
    }
  }

  /** A restarted node takes its earlier epochs' unfinished transactions back, and says so once. */
  @Test
  void aRestartTellsOperatorsHowManyUnfinishedTransactionsItTookBackFromEarlierEpochs() {
    try (CapturedLog captured = CapturedLog.of("dev.settle.jdbc.internal.Node")) {
      JdbcTransactionLog first = fx.live("node-a");
      first.append(begin("left-open", "tcc"), true);
      first.close();
      JdbcTransactionLog second = fx.live("node-a");
      assertThat(fx.owner("left-open")).isEqualTo("node-a@" + second.epoch());
      second.append(List.of(new LogRecord.Decided(new TransactionId("left-open"), Decision.ROLLBACK),
          new LogRecord.End(new TransactionId("left-open"))), true);
      second.close();
      fx.live("node-a"); // nothing left to take back: no line

      assertThat(captured.lines(Level.INFO, "adopted")).containsExactly(
          "log node node-a opened at epoch " + second.epoch() + "; adopted 1 unfinished transactions of its earlier epochs");
    }
  }

  /**
   * Closing while a group is being written waits for that group, whose append then returns
   * stored; an append queued behind it is failed as closed rather than left waiting; and a
   * caller of close interrupted meanwhile still waits, and keeps its interrupt.
   */
  @Test
  void closeWaitsForTheGroupBeingWrittenAndFailsTheAppendsQueuedBehindIt() throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(db);
    JdbcTransactionLog log = fx.keep(JdbcTransactionLog.builder(freezing, "node-a").writerConnections(1).open());
    log.append(begin("opens-the-session", "tcc"), true);
    freezing.freezeNextCommit();
    CompletableFuture<Void> frozen = CompletableFuture.runAsync(() -> log.append(begin("in-the-frozen-group", "tcc"), true));
    assertThat(freezing.awaitFrozen(10)).isTrue();
    CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> log.append(begin("queued-behind", "tcc"), true));
    SharedLogFixture.sleep(Duration.ofMillis(100));
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread closing = new Thread(() -> {
      log.close();
      interruptKept.set(Thread.currentThread().isInterrupted());
    });
    closing.start();
    SharedLogFixture.sleep(Duration.ofMillis(100));
    closing.interrupt();
    SharedLogFixture.sleep(Duration.ofMillis(100));
    assertThat(closing.isAlive()).as("close waits for the group being written").isTrue();

    freezing.thaw();
    closing.join(10_000);
    assertThat(closing.isAlive()).isFalse();
    assertThat(interruptKept).isTrue();
    frozen.get(10, TimeUnit.SECONDS);
    assertThat(fx.owner("in-the-frozen-group")).isEqualTo("node-a@" + log.epoch());
    assertThatThrownBy(() -> queued.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TransactionLogException.class)
        .hasMessageContaining("the shared log of node node-a is closed");
    assertThat(fx.owner("queued-behind")).isEqualTo("none");
  }

  /** Background recovery says once per pass what it finished, and nothing for passes with nothing to do. */
  @Test
  void backgroundRecoveryTellsOperatorsWhatAPassFinishedAndIsQuietOtherwise() throws Exception {
    try (CapturedLog captured = CapturedLog.of(BackgroundRecovery.class)) {
      JdbcTransactionLog dead = fx.dying("node-d", Duration.ofMillis(200));
      Account x = new Account("x");
      Account y = new Account("y");
      y.failConfirms.set(true);
      TransactionId stuck = fx.tcc(dead, x, y).execute(SharedLogFixture.transfer(x, y)).transactionId();
      SharedLogFixture.sleep(Duration.ofMillis(300));

      Account y2 = new Account("y");
      try (BackgroundRecovery recovery =
          BackgroundRecovery.every(Duration.ofMillis(20), fx.tcc(fx.live("node-r"), new Account("x"), y2))) {
        waitUntil(() -> y2.confirmed.contains(stuck.value()));
        SharedLogFixture.sleep(Duration.ofMillis(200)); // several passes with nothing to do
      }
      assertThat(captured.lines(Level.INFO, "")).singleElement()
          .satisfies(line -> assertThat(line).startsWith("background recovery finished 1 transactions of "));
    }
  }

  /**
   * Close waits for a beat under way: its renewal must not land after close released the lease
   * (peers would then wait a whole lease for a node that is gone), nor keep a connection.
   */
  @Test
  void closeWaitsForABeatUnderWaySoTheReleasedLeaseStaysReleased() throws Exception {
    CountDownLatch inBeat = new CountDownLatch(1);
    DataSource slowBeats =
        new CommitInterceptingDataSource(db) {
          @Override
          void beforeCommit() throws InterruptedException {
            if (Thread.currentThread().getName().startsWith("settle-jdbc-heartbeat")) {
              inBeat.countDown();
              // A slow renewal that an interrupt does not stop, as a driver blocked in a socket read.
              long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
              while (System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
              }
            }
          }
        };
    LoanRecordingDataSource loans = new LoanRecordingDataSource(slowBeats);
    JdbcTransactionLog log =
        JdbcTransactionLog.builder(loans, "node-a")
            .leaseDuration(Duration.ofSeconds(30))
            .heartbeatInterval(Duration.ofMillis(20))
            .open();
    assertThat(inBeat.await(10, TimeUnit.SECONDS)).isTrue();

    log.close();
    assertThat(loans.badLoans()).as("connections kept after close").isEmpty();
    SharedLogFixture.sleep(Duration.ofMillis(500));
    assertThat(leaseRunsOut("node-a")).as("the lease stays released").isTrue();
  }

  /** Whether {@code node}'s lease has run out by the database clock. */
  private boolean leaseRunsOut(String node) throws SQLException {
    try (Connection c = fx.direct();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT lease_until <= CURRENT_TIMESTAMP FROM settle_node WHERE node = '" + node + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getBoolean(1);
    }
  }

  private long endedRows() {
    try (Connection c = fx.direct();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM settle_tx WHERE ended = TRUE")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Thread> heartbeatThreads(String node) {
    return threadsNamed("settle-jdbc-heartbeat-" + node);
  }

  private static List<Thread> threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
  }

  /** A heartbeat scheduler whose beats the test runs by hand. */
  private static final class ManualBeat extends ScheduledThreadPoolExecutor {
    private volatile @Nullable Runnable beat;

    ManualBeat() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
      beat = command;
      return schedule(() -> {}, 1, TimeUnit.DAYS);
    }

    void beat() {
      Runnable b = beat;
      assertThat(b).as("the log scheduled its heartbeat").isNotNull();
      b.run();
    }
  }

  /** Counts the connections handed out and not yet closed. */
  private static final class CountingDataSource extends ForwardingDataSource {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();

    CountingDataSource(DataSource inner) {
      super(inner);
    }

    @Override
    public Connection getConnection() throws SQLException {
      return counted(super.getConnection());
    }

    private Connection counted(Connection c) {
      open.incrementAndGet();
      boolean[] closed = {false};
      return (Connection) Proxy.newProxyInstance(
          Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                && sql.startsWith("UPDATE settle_node SET lease_until") && sql.chars().filter(ch -> ch == '?').count() == 3) {
              return countingRenewals((java.sql.PreparedStatement) invoke(c, method, args));
            }
            if (method.getName().equals("close")) {
              synchronized (closed) {
                if (!closed[0]) {
                  closed[0] = true;
                  open.decrementAndGet();
                }
              }
            }
            return invoke(c, method, args);
          });
    }

    /** A lease renewal statement that counts its executions. */
    private java.sql.PreparedStatement countingRenewals(java.sql.PreparedStatement renew) {
      return (java.sql.PreparedStatement) Proxy.newProxyInstance(
          java.sql.PreparedStatement.class.getClassLoader(),
          new Class<?>[] {java.sql.PreparedStatement.class},
          (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
              renewals.incrementAndGet();
            }
            return invoke(renew, method, args);
          });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
