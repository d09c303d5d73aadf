package dev.settle.examples.files;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.examples.wallet.Change;
import dev.settle.examples.wallet.Protocol;
import dev.settle.examples.wallet.RandomTransfer;
import dev.settle.examples.wallet.WalletReport;
import dev.settle.jdbc.BackgroundRecovery;
import dev.settle.jdbc.JdbcTransactionLog;
import dev.settle.core.OwnershipLostException;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccCoordinatorBuilder;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.testkit.FaultStats;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseCoordinatorBuilder;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.xa.XaParticipant;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.XAConnection;
import javax.sql.XADataSource;

/**
 * The wallet on a shared PostgreSQL: several processes, each under its own node name, move money
 * between the same accounts through one shared coordinator log, and each takes over the unfinished
 * transactions of peers whose lease ran out. With 2PC each branch is an XA transaction on its
 * shard's schema; a node that takes one over addresses its branches under the Xids of the node
 * that began it (the Begin record names that node).
 */
public final class PgWallet implements AutoCloseable {
  private static final Instant NO_DEADLINE = Instant.parse("9999-01-01T00:00:00Z");
  private static final SagaKey<String> FROM = SagaKey.ofString("from");
  private static final SagaKey<String> TO = SagaKey.ofString("to");
  private static final SagaKey<Long> CENTS = SagaKey.ofLong("cents");

  private final PgStore store;
  private final FileWallet.Settings settings;
  private final Duration lease;
  private final JdbcTransactionLog log;
  private final List<TccParticipant> fenced = new ArrayList<>();
  private final Coordinator<?> coordinator;
  private SagaDefinition saga;
  /** 2PC: XA connections per shard for transfers, and the ones recovery calls through. */
  private final List<XADataSource> xaShards = new ArrayList<>();
  private final List<XAConnection> recoveryConnections = new ArrayList<>();

  private PgWallet(PgStore store, FileWallet.Settings settings, String node, Duration lease) throws SQLException {
    this.store = store;
    this.settings = settings;
    this.lease = lease;
    this.log = JdbcTransactionLog.builder(store.main(), node)
        .leaseDuration(lease)
        .heartbeatInterval(lease.dividedBy(4))
        .open();
    try {
      this.coordinator = buildCoordinator(node);
    } catch (SQLException | RuntimeException e) {
      closeRecoveryConnections();
      log.close();
      throw e;
    }
  }

  /**
   * Joins the wallet on the server, creating it with {@code wanted} if it is the first process;
   * returns the wallet with the settings in force.
   */
  public static PgWallet open(String url, String user, String password, String node, Duration lease,
      FileWallet.Settings wanted, int threads) throws SQLException {
    PgStore store = new PgStore(url, user, password, threads, lease);
    store.check();
    try {
      return new PgWallet(store, store.setUp(wanted), node, lease);
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Opens an existing wallet on the server, as {@code wallet recover} does. */
  public static PgWallet reopen(String url, String user, String password, String node, Duration lease)
      throws SQLException {
    PgStore store = new PgStore(url, user, password, 1, lease);
    store.check();
    try {
      FileWallet.Settings settings = store.settings().orElseThrow(() -> new DataDirectoryException(
          "no wallet on " + url + " (table wallet_settings is missing); create one with 'wallet --store postgres'", null));
      return new PgWallet(store, settings, node, lease);
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** The settings stored by the first process, if a wallet exists on the server. */
  public static java.util.Optional<FileWallet.Settings> existing(String url, String user, String password)
      throws SQLException {
    PgStore store = new PgStore(url, user, password, 1, Duration.ofMinutes(1));
    try {
      store.check();
      return store.settings();
    } finally {
      store.close();
    }
  }

  /** What the wallet was created with. */
  public FileWallet.Settings settings() {
    return settings;
  }

  private int shardOf(String account) {
    return Integer.parseInt(account.substring(1)) % settings.shards();
  }

  private Coordinator<?> buildCoordinator(String node) throws SQLException {
    if (settings.protocol() == Protocol.TWO_PC) {
      TwoPhaseCoordinatorBuilder b = TwoPhaseCoordinator.builder().log(log).nodeName(node);
      for (int i = 0; i < settings.shards(); i++) {
        XADataSource xa = store.xaShard(i, lease);
        xaShards.add(xa);
        XAConnection recovery = xa.getXAConnection();
        recoveryConnections.add(recovery);
        b.participant(new XaParticipant("shard-" + i, recovery.getXAResource()));
      }
      return b.build();
    }
    if (settings.protocol() == Protocol.TCC) {
      JdbcTccFence fence = JdbcTccFence.builder().build();
      TccCoordinatorBuilder b = TccCoordinator.builder().log(log).nodeName(node);
      for (int i = 0; i < settings.shards(); i++) {
        TccParticipant p = fence.protect(store.shard(i), new JdbcAccounts("shard-" + i));
        fenced.add(p);
        b.participant(p);
      }
      return b.build();
    }
    JdbcTccFence barrier = JdbcTccFence.builder().table("settle_saga_barrier").build();
    for (int i = 0; i < settings.shards(); i++) {
      fenced.add(barrier.protect(store.shard(i), new JdbcSagaStep("shard-" + i)));
    }
    saga = SagaDefinition.builder("transfer")
        .step("debit", ctx -> step(ctx.get(FROM), ctx, -ctx.get(CENTS), true), ctx -> step(ctx.get(FROM), ctx, -ctx.get(CENTS), false))
        .step("credit", ctx -> step(ctx.get(TO), ctx, ctx.get(CENTS), true), ctx -> step(ctx.get(TO), ctx, ctx.get(CENTS), false))
        .build();
    return SagaCoordinator.builder().log(log).nodeName(node).definition(saga).build();
  }

  /** One saga step call through the barrier (the fence, keyed by step). */
  private void step(String account, dev.settle.saga.spi.SagaContext ctx, long delta, boolean action) {
    TccParticipant p = fenced.get(shardOf(account));
    TccContext tcc = new TccContext(ctx.transactionId(), ctx.step(), new Change(account, delta).toBytes(), ctx.attempt(), NO_DEADLINE);
    if (action) {
      p.tryReserve(tcc);
    } else {
      p.cancel(tcc);
    }
  }

  /**
   * Runs {@code transfers} random transfers on {@code threads} threads while background recovery
   * takes over dead peers' transactions; then waits until the whole store is quiet (no
   * unfinished transaction of any node, no reservation) so the totals can be judged, and reports.
   */
  public PgReport run(int transfers, int threads, long seed, Consumer<String> progress) throws Exception {
    long started = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicLong committed = new AtomicLong();
    AtomicLong lost = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
    int accounts = settings.accounts();
    Snapshot quiet;
    try (BackgroundRecovery recovery = BackgroundRecovery.every(lease.dividedBy(2), coordinator)) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(() -> {
          for (int i = next.getAndIncrement(); i < transfers; i = next.getAndIncrement()) {
            RandomTransfer drawn = RandomTransfer.numbered(seed, i, accounts); // the same whatever the thread
            try {
              if (transfer(drawn.from(), drawn.to(), drawn.cents()) instanceof Outcome.Committed) {
                committed.incrementAndGet();
              }
            } catch (RuntimeException e) {
              if (!ownershipLost(e)) {
                // Anything else (the database gone, a bug) ends the run: counting the transfers
                // this thread would not make as rolled back would be a lie.
                failure.compareAndSet(null, e);
                next.set(transfers);
                return;
              }
              // A peer took this transfer over while this process was paused: its outcome is the
              // peer's to report, not ours.
              lost.incrementAndGet();
              progress.accept("transfer " + i + " was taken over by a peer: " + e.getMessage());
            }
          }
        }, "wallet-" + t);
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
      if (failure.get() != null) {
        throw failure.get();
      }
      quiet = awaitQuiet(Duration.ofSeconds(60).plus(lease.multipliedBy(4)), progress);
    }
    return report(transfers, committed.get(), lost.get(), 0, 0, started, quiet);
  }

  private static boolean ownershipLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OwnershipLostException) {
        return true;
      }
    }
    return false;
  }

  private Outcome transfer(String from, String to, long cents) {
    if (settings.protocol() == Protocol.TWO_PC) {
      try {
        return transferTwoPhase(from, to, cents);
      } catch (SQLException e) {
        throw new DataDirectoryException("cannot open an XA connection to a shard: " + e.getMessage(), e);
      }
    }
    if (settings.protocol() == Protocol.TCC) {
      @SuppressWarnings("unchecked")
      Coordinator<TccTransaction> tcc = (Coordinator<TccTransaction>) coordinator;
      return tcc.execute(
          TccTransaction.builder()
              .branch("debit", fenced.get(shardOf(from)), new Change(from, -cents).toBytes())
              .branch("credit", fenced.get(shardOf(to)), new Change(to, cents).toBytes())
              .build());
    }
    @SuppressWarnings("unchecked")
    Coordinator<SagaRequest> sagas = (Coordinator<SagaRequest>) coordinator;
    return sagas.execute(SagaRequest.of(saga).with(FROM, from).with(TO, to).with(CENTS, cents));
  }

  /** One 2PC transfer: each branch an XA transaction on its shard, opened for this transfer. */
  private Outcome transferTwoPhase(String from, String to, long cents) throws SQLException {
    @SuppressWarnings("unchecked")
    Coordinator<TwoPhaseTransaction> twoPc = (Coordinator<TwoPhaseTransaction>) coordinator;
    int debit = shardOf(from);
    int credit = shardOf(to);
    return JdbcShard.transferOverXa(
        twoPc, xaShards.get(debit), "shard-" + debit, xaShards.get(credit), "shard-" + credit, from, to, cents);
  }

  /**
   * Waits, while peers and background recovery work, until nothing is unfinished or held, and
   * returns that quiet look: the report is judged on it, since a peer may begin its next transfer
   * the moment after.
   */
  private Snapshot awaitQuiet(Duration atMost, Consumer<String> progress) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    long nextLine = System.nanoTime() + 2_000_000_000L;
    while (true) {
      Snapshot s = snapshot();
      if (s.unfinished == 0 && s.reserved == 0) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        progress.accept("the store is still busy after " + atMost.toSeconds() + " s: " + s.unfinished
            + " transactions unfinished; reporting as it stands");
        return s;
      }
      if (System.nanoTime() > nextLine) {
        progress.accept("waiting for peers: " + s.unfinished + " transactions unfinished on the shared log");
        nextLine += 2_000_000_000L;
      }
      Thread.sleep(100);
    }
  }

  /**
   * Finishes everything unfinished: this node's, and every dead node's once its lease has run out
   * (claims come in bounded batches, so recovery runs until the log is empty or {@code atMost}).
   */
  public PgReport recover(Duration atMost) throws Exception {
    long started = System.nanoTime();
    List<String> others = new ArrayList<>();
    try (Connection c = store.main().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT tx_id FROM settle_tx WHERE ended = FALSE AND owner_node <> ?")) {
      ps.setString(1, log.node());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          others.add(rs.getString(1));
        }
      }
    }
    long recovered = 0;
    long deadline = System.nanoTime() + atMost.toNanos();
    while (true) {
      recovered += coordinator.recover().size();
      if (snapshot().unfinished == 0 || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(200); // a dead peer's lease may still be running
    }
    long takenOver = 0;
    try (Connection c = store.main().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM settle_tx WHERE owner_node = ? AND tx_id = ANY (?)")) {
      Array ids = c.createArrayOf("varchar", others.toArray());
      ps.setString(1, log.node());
      ps.setArray(2, ids);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        takenOver = rs.getLong(1);
      }
    }
    return report(0, 0, 0, recovered, takenOver, started, snapshot());
  }

  /**
   * What one consistent look at the store shows; {@code reserved} is cents reserved by TCC plus
   * 2PC branches still prepared (each should be zero once the store is quiet).
   */
  private record Snapshot(long unfinished, long total, long negative, long reserved) {}

  /**
   * Log and shards in one REPEATABLE READ transaction, so totals and unfinished counts come from
   * the same instant (the shards are schemas of the log's database, which makes this possible).
   */
  private Snapshot snapshot() throws SQLException {
    try (Connection c = store.main().getConnection()) {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        long unfinished;
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM settle_tx WHERE ended = FALSE")) {
          rs.next();
          unfinished = rs.getLong(1);
        }
        long total = 0;
        long negative = 0;
        long reserved = 0;
        for (int i = 0; i < settings.shards(); i++) {
          try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(balance), 0), COUNT(*) FILTER (WHERE balance < 0),"
              + " COALESCE(SUM(reserved), 0) FROM " + PgStore.shardSchema(i) + ".accounts")) {
            rs.next();
            total += rs.getLong(1);
            negative += rs.getLong(2);
            reserved += rs.getLong(3);
          }
        }
        // A 2PC branch still prepared holds its rows as a reservation does: it counts as one.
        try (ResultSet rs = s.executeQuery(
            "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()")) {
          rs.next();
          reserved += rs.getLong(1);
        }
        c.commit();
        return new Snapshot(unfinished, total, negative, reserved);
      }
    }
  }

  private PgReport report(
      long transfers, long committed, long lost, long recovered, long takenOver, long started, Snapshot s) {
    WalletReport report = new WalletReport(
        settings.protocol().flag(), transfers, committed, transfers - committed - lost, s.unfinished,
        (long) settings.accounts() * settings.opening(), s.total, s.negative, s.reserved, 0,
        recovered > 0 ? 1 : 0, new FaultStats(0, 0, 0, 0, 0, 0),
        (System.nanoTime() - started) / 1_000_000, recovered);
    return new PgReport(report, log.node(), lost, takenOver);
  }

  /**
   * A wallet report on the shared store, with what only several nodes have.
   *
   * @param wallet the usual report, over all accounts
   * @param node this process's node name
   * @param lost transfers of this process that a peer took over (their outcome is the peer's)
   * @param takenOver transactions of other nodes this recovery finished
   */
  public record PgReport(WalletReport wallet, String node, long lost, long takenOver) {
    /** The usual JSON line with {@code node}, {@code lost} and {@code takenOver} added. */
    public String toJson() {
      String json = wallet.toJson();
      return json.substring(0, json.length() - 1) + ",\"node\":\"" + node + "\",\"lost\":" + lost
          + ",\"takenOver\":" + takenOver + "}";
    }
  }

  @Override
  public void close() {
    try {
      closeRecoveryConnections();
      log.close();
    } finally {
      store.close();
    }
  }

  private void closeRecoveryConnections() {
    for (XAConnection c : recoveryConnections) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing: the server ends the session either way
      }
    }
    recoveryConnections.clear();
  }
}
