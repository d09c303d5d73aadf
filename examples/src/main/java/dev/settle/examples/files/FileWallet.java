package dev.settle.examples.files;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.examples.wallet.Change;
import dev.settle.examples.wallet.Protocol;
import dev.settle.examples.wallet.WalletReport;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaKey;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccCoordinatorBuilder;
import dev.settle.tcc.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.testkit.FaultStats;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseCoordinatorBuilder;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.xa.SettleXid;
import dev.settle.twopc.xa.XaParticipant;
import dev.settle.twopc.xa.XaRecovery;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The wallet in a data directory: H2 file databases for the shards and the file transaction log,
 * so that a process killed at any instant can be recovered by the next one. The directory
 * remembers the protocol and the accounts it was created with.
 */
public final class FileWallet implements AutoCloseable {
  private static final Instant NO_DEADLINE = Instant.parse("9999-01-01T00:00:00Z");
  private static final SagaKey<String> FROM = SagaKey.ofString("from");
  private static final SagaKey<String> TO = SagaKey.ofString("to");
  private static final SagaKey<Long> CENTS = SagaKey.ofLong("cents");

  private final Path directory;
  private final Protocol protocol;
  private final int accounts;
  private final long opening;
  private final List<JdbcShard> shards = new ArrayList<>();
  private final FileTransactionLog log;
  private final List<XAConnection> recoveryConnections = new ArrayList<>();
  private final List<TccParticipant> fenced = new ArrayList<>();
  private final Coordinator<?> coordinator;
  private SagaDefinition saga;

  private FileWallet(Path directory, Protocol protocol, int shardCount, int accounts, long opening) throws SQLException {
    this.directory = directory;
    this.protocol = protocol;
    this.accounts = accounts;
    this.opening = opening;
    for (int i = 0; i < shardCount; i++) {
      JdbcShard shard = new JdbcShard("shard-" + i, directory);
      shard.createTables();
      shards.add(shard);
    }
    Path logDir = directory.resolve("log");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + logDir, e);
    }
    this.log = FileTransactionLog.builder(logDir).open();
    this.coordinator = buildCoordinator();
  }

  /**
   * Opens the wallet in {@code directory}, creating it with these settings if it is new; an
   * existing directory keeps the settings it was created with.
   */
  public static FileWallet open(Path directory, Protocol protocol, int shards, int accounts, long opening)
      throws SQLException {
    Path settings = directory.resolve("wallet.properties");
    try {
      Files.createDirectories(directory);
      if (Files.exists(settings)) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(settings)) {
          p.load(in);
        }
        return new FileWallet(
            directory,
            Protocol.of(p.getProperty("protocol")),
            Integer.parseInt(p.getProperty("shards")),
            Integer.parseInt(p.getProperty("accounts")),
            Long.parseLong(p.getProperty("opening")));
      }
      FileWallet wallet = new FileWallet(directory, protocol, shards, accounts, opening);
      for (int a = 0; a < accounts; a++) {
        wallet.shards.get(a % shards).open("a" + a, opening);
      }
      Properties p = new Properties();
      p.setProperty("protocol", protocol.flag());
      p.setProperty("shards", Integer.toString(shards));
      p.setProperty("accounts", Integer.toString(accounts));
      p.setProperty("opening", Long.toString(opening));
      // Written last: a directory without it was never set up and is set up again.
      try (Writer out = Files.newBufferedWriter(settings)) {
        p.store(out, "Settle wallet data directory");
      }
      return wallet;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use data directory " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Opens an existing wallet directory, as {@code wallet recover} does. */
  public static FileWallet reopen(Path directory) throws SQLException {
    if (!Files.exists(directory.resolve("wallet.properties"))) {
      throw new IllegalArgumentException("no wallet in " + directory + " (wallet.properties is missing)");
    }
    return open(directory, Protocol.TCC, 1, 2, 0);
  }

  private JdbcShard shardOf(String account) {
    return shards.get(Integer.parseInt(account.substring(1)) % shards.size());
  }

  private Coordinator<?> buildCoordinator() throws SQLException {
    switch (protocol) {
      case TCC -> {
        JdbcTccFence fence = JdbcTccFence.builder().build();
        TccCoordinatorBuilder b = TccCoordinator.builder().log(log);
        for (JdbcShard shard : shards) {
          TccParticipant p = fence.protect(shard.dataSource(), new JdbcAccounts(shard.name()));
          fenced.add(p);
          b.participant(p);
        }
        return b.build();
      }
      case SAGA -> {
        JdbcTccFence barrier = JdbcTccFence.builder().table("settle_saga_barrier").build();
        for (JdbcShard shard : shards) {
          fenced.add(barrier.protect(shard.dataSource(), new JdbcSagaStep(shard.name())));
        }
        saga =
            SagaDefinition.builder("transfer")
                .step("debit", ctx -> step(ctx.get(FROM), ctx, -ctx.get(CENTS)).run(true), ctx -> step(ctx.get(FROM), ctx, -ctx.get(CENTS)).run(false))
                .step("credit", ctx -> step(ctx.get(TO), ctx, ctx.get(CENTS)).run(true), ctx -> step(ctx.get(TO), ctx, ctx.get(CENTS)).run(false))
                .build();
        return SagaCoordinator.builder().log(log).definition(saga).build();
      }
      default -> {
        TwoPhaseCoordinatorBuilder b = TwoPhaseCoordinator.builder().log(log);
        for (JdbcShard shard : shards) {
          XAConnection recovery = shard.xaDataSource().getXAConnection();
          recoveryConnections.add(recovery);
          b.participant(new XaParticipant(shard.name(), recovery.getXAResource()));
        }
        return b.build();
      }
    }
  }

  /** One saga step call through the barrier. */
  private StepCall step(String account, dev.settle.saga.SagaContext ctx, long delta) {
    TccParticipant p = fenced.get(shards.indexOf(shardOf(account)));
    TccContext tcc = new TccContext(ctx.transactionId(), ctx.step(), new Change(account, delta).toBytes(), ctx.attempt(), NO_DEADLINE);
    return action -> {
      if (action) {
        p.tryReserve(tcc);
      } else {
        p.cancel(tcc);
      }
    };
  }

  @FunctionalInterface
  private interface StepCall {
    void run(boolean action);
  }

  /** Runs {@code transfers} random transfers; {@code progress} hears a line every second after two. */
  public WalletReport run(int transfers, long seed, Consumer<String> progress) throws SQLException {
    long started = System.nanoTime();
    Random random = new Random(seed);
    long committed = 0;
    long next = started + 2_000_000_000L;
    for (int i = 0; i < transfers; i++) {
      int from = random.nextInt(accounts);
      int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
      long cents = 1 + random.nextInt(500);
      if (transfer("a" + from, "a" + to, cents) instanceof Outcome.Committed) {
        committed++;
      }
      if (System.nanoTime() > next) {
        progress.accept("wallet " + protocol.flag() + " on files: " + (i + 1) + "/" + transfers + " transfers");
        next += 1_000_000_000L;
      }
    }
    return report(transfers, committed, 0, started);
  }

  private Outcome transfer(String from, String to, long cents) throws SQLException {
    switch (protocol) {
      case TCC -> {
        @SuppressWarnings("unchecked")
        Coordinator<TccTransaction> tcc = (Coordinator<TccTransaction>) coordinator;
        return tcc.execute(
            TccTransaction.builder()
                .branch("debit", fenced.get(shards.indexOf(shardOf(from))), new Change(from, -cents).toBytes())
                .branch("credit", fenced.get(shards.indexOf(shardOf(to))), new Change(to, cents).toBytes())
                .build());
      }
      case SAGA -> {
        @SuppressWarnings("unchecked")
        Coordinator<SagaRequest> sagas = (Coordinator<SagaRequest>) coordinator;
        return sagas.execute(SagaRequest.of(saga).with(FROM, from).with(TO, to).with(CENTS, cents));
      }
      default -> {
        @SuppressWarnings("unchecked")
        Coordinator<TwoPhaseTransaction> twoPc = (Coordinator<TwoPhaseTransaction>) coordinator;
        XAConnection debit = shardOf(from).xaDataSource().getXAConnection();
        XAConnection credit = shardOf(to).xaDataSource().getXAConnection();
        try {
          return twoPc.execute(
              TwoPhaseTransaction.builder()
                  .enlist("debit", new XaParticipant(shardOf(from).name(), debit.getXAResource()))
                  .enlist("credit", new XaParticipant(shardOf(to).name(), credit.getXAResource()))
                  .work(
                      tx -> {
                        JdbcShard.add(debit.getConnection(), from, -cents);
                        JdbcShard.add(credit.getConnection(), to, cents);
                      })
                  .build());
        } finally {
          debit.close();
          credit.close();
        }
      }
    }
  }

  /** Finishes every transaction a killed process left, then measures the invariants. */
  public WalletReport recover() throws SQLException {
    long started = System.nanoTime();
    AtomicLong recovered = new AtomicLong(coordinator.recover().size());
    if (protocol == Protocol.TWO_PC) {
      for (XAConnection c : recoveryConnections) {
        XaRecovery.Report orphans = XaRecovery.resolve(c.getXAResource(), (TwoPhaseCoordinator) coordinator);
        recovered.addAndGet(orphans.committed().size() + orphans.rolledBack().size());
      }
    }
    return report(0, 0, recovered.get(), started);
  }

  private WalletReport report(long transfers, long committed, long recovered, long started) throws SQLException {
    long total = 0;
    long negative = 0;
    for (JdbcShard shard : shards) {
      for (long balance : shard.balances().values()) {
        total += balance;
        negative += balance < 0 ? 1 : 0;
      }
    }
    long unfinished = LogReplay.unfinished(log, protocolName()).size();
    return new WalletReport(
        protocol.flag(),
        transfers,
        committed,
        transfers - committed,
        unfinished,
        (long) accounts * opening,
        total,
        negative,
        hanging(),
        0,
        recovered > 0 ? 1 : 0,
        new FaultStats(0, 0, 0, 0, 0, 0),
        (System.nanoTime() - started) / 1_000_000,
        recovered);
  }

  private String protocolName() {
    return switch (protocol) {
      case TCC -> TccCoordinator.PROTOCOL;
      case SAGA -> SagaCoordinator.PROTOCOL;
      case TWO_PC -> TwoPhaseCoordinator.PROTOCOL;
    };
  }

  private long hanging() throws SQLException {
    long held = 0;
    for (JdbcShard shard : shards) {
      held += shard.reserved();
    }
    for (XAConnection c : recoveryConnections) {
      try {
        for (Xid xid : c.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
          held += SettleXid.parse(xid).isPresent() ? 1 : 0;
        }
      } catch (XAException e) {
        throw new SQLException("XA recovery scan failed: " + e.errorCode, e);
      }
    }
    return held;
  }

  /** The data directory. */
  public Path directory() {
    return directory;
  }

  @Override
  public void close() throws SQLException {
    for (XAConnection c : recoveryConnections) {
      c.close();
    }
    log.close();
  }
}
