package dev.settle.examples.files;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.examples.wallet.Change;
import dev.settle.examples.wallet.Protocol;
import dev.settle.examples.wallet.RandomTransfer;
import dev.settle.examples.wallet.WalletReport;
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
import dev.settle.twopc.xa.SettleXid;
import dev.settle.twopc.xa.XaParticipant;
import dev.settle.twopc.xa.XaRecovery;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

  private FileWallet(Path directory, Settings settings) throws SQLException {
    this.directory = directory;
    this.protocol = settings.protocol();
    this.accounts = settings.accounts();
    this.opening = settings.opening();
    // The log first: its lock is what keeps a second process out, and its message says so
    // clearly, where H2 would only say "database may be already in use".
    Path logDir = directory.resolve("log");
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new DataDirectoryException("cannot create " + logDir + ": " + DataDirectoryException.describe(e) + "; check the --data-dir path", e);
    }
    try {
      // A day of history, so that `explain` still tells ended transfers after compactions.
      this.log = FileTransactionLog.builder(logDir).historyRetention(java.time.Duration.ofDays(1)).open();
    } catch (TransactionLogException e) {
      throw new DataDirectoryException(e.getMessage() + (e.getMessage().contains("another coordinator")
          ? " (another wallet process is using " + directory + "; wait for it or stop it)" : ""), e);
    }
    try {
      for (int i = 0; i < settings.shards(); i++) {
        JdbcShard shard = new JdbcShard("shard-" + i, directory);
        shard.createTables();
        shards.add(shard);
      }
      this.coordinator = buildCoordinator();
    } catch (SQLException | RuntimeException e) {
      log.close();
      throw e;
    }
  }

  /**
   * The settings a wallet directory was created with.
   *
   * @param protocol how money moves
   * @param shards the number of H2 shard databases
   * @param accounts the number of accounts
   * @param opening each account's opening balance in cents
   */
  public record Settings(Protocol protocol, int shards, int accounts, long opening) {
    private Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("protocol", protocol.flag());
      p.setProperty("shards", Integer.toString(shards));
      p.setProperty("accounts", Integer.toString(accounts));
      p.setProperty("opening", Long.toString(opening));
      return p;
    }

    private static Settings read(Path file) {
      Properties p = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        p.load(in);
        return new Settings(
            Protocol.of(p.getProperty("protocol", "")),
            Integer.parseInt(p.getProperty("shards", "")),
            Integer.parseInt(p.getProperty("accounts", "")),
            Long.parseLong(p.getProperty("opening", "")));
      } catch (IOException | RuntimeException e) {
        throw new DataDirectoryException(file + " is unreadable or damaged (" + e.getMessage()
            + "); restore it or choose another --data-dir", e);
      }
    }
  }

  /**
   * The settings of the wallet in {@code directory}, if it holds one (complete, or with its
   * set-up interrupted, which the next open finishes).
   */
  public static java.util.Optional<Settings> settings(Path directory) {
    for (String name : new String[] {SETTINGS, SETUP}) {
      if (Files.exists(directory.resolve(name))) {
        return java.util.Optional.of(Settings.read(directory.resolve(name)));
      }
    }
    return java.util.Optional.empty();
  }

  private static final String SETTINGS = "wallet.properties";
  /** Written before set-up starts, renamed to {@link #SETTINGS} once it is complete. */
  private static final String SETUP = "wallet.setup";

  /** Refuses a path that cannot hold a wallet, in one sentence that names it. */
  public static void checkUsable(Path directory) {
    if (directory.toString().isEmpty()) {
      throw new DataDirectoryException("the data directory path is empty; name a directory with --data-dir", null);
    }
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new DataDirectoryException("data directory " + directory + " is a file, not a directory; choose another --data-dir", null);
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new DataDirectoryException("cannot create data directory " + directory + ": " + DataDirectoryException.describe(e) + "; check the path and its permissions", e);
    }
    if (!Files.isWritable(directory)) {
      throw new DataDirectoryException("data directory " + directory + " is not writable; fix its permissions or choose another --data-dir", null);
    }
  }

  /**
   * Opens the wallet in {@code directory}, creating it with these settings if it is new; an
   * existing directory keeps the settings it was created with.
   */
  public static FileWallet open(Path directory, Protocol protocol, int shards, int accounts, long opening)
      throws SQLException {
    checkUsable(directory);
    if (Files.exists(directory.resolve(SETTINGS))) {
      return new FileWallet(directory, Settings.read(directory.resolve(SETTINGS)));
    }
    // Set-up is resumable: the settings go to wallet.setup first, so a run killed during set-up
    // is finished with the same settings by the next one, and wallet.properties appears (by an
    // atomic rename) only once every account exists. Until then no transfer has run, so setting
    // each account to its opening balance again is safe.
    Path setup = directory.resolve(SETUP);
    Settings settings = Files.exists(setup) ? Settings.read(setup) : new Settings(protocol, shards, accounts, opening);
    try {
      if (!Files.exists(setup)) {
        writeDurably(directory, setup, settings.toProperties());
      }
      FileWallet wallet = new FileWallet(directory, settings);
      try {
        List<List<String>> byShard = new ArrayList<>();
        for (int i = 0; i < settings.shards(); i++) {
          byShard.add(new ArrayList<>());
        }
        for (int a = 0; a < settings.accounts(); a++) {
          byShard.get(a % settings.shards()).add("a" + a);
        }
        for (int i = 0; i < settings.shards(); i++) {
          wallet.shards.get(i).reset(byShard.get(i), settings.opening());
        }
        Files.move(setup, directory.resolve(SETTINGS), StandardCopyOption.ATOMIC_MOVE);
      } catch (SQLException | IOException | RuntimeException e) {
        wallet.close();
        throw e;
      }
      return wallet;
    } catch (IOException e) {
      throw new DataDirectoryException("cannot set up the wallet in " + directory + ": " + DataDirectoryException.describe(e) + "; check the disk and run again", e);
    }
  }

  private static void writeDurably(Path directory, Path file, Properties p) throws IOException {
    Path tmp = directory.resolve(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp)) {
      p.store(out, "Settle wallet data directory");
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Opens an existing wallet directory, as {@code wallet recover} does. */
  public static FileWallet reopen(Path directory) throws SQLException {
    checkUsable(directory);
    Settings settings = settings(directory).orElseThrow(() -> new DataDirectoryException(
        "no wallet in " + directory + " (wallet.properties is missing); create one with 'wallet --data-dir " + directory + "'", null));
    return open(directory, settings.protocol(), settings.shards(), settings.accounts(), settings.opening());
  }

  /** What the wallet was created with. */
  public Settings settings() {
    return new Settings(protocol, shards.size(), accounts, opening);
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
  private StepCall step(String account, dev.settle.saga.spi.SagaContext ctx, long delta) {
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
      if (transfer(RandomTransfer.next(random, accounts)) instanceof Outcome.Committed) {
        committed++;
      }
      if (System.nanoTime() > next) {
        progress.accept("wallet " + protocol.flag() + " on files: " + (i + 1) + "/" + transfers + " transfers");
        next += 1_000_000_000L;
      }
    }
    return report(transfers, committed, 0, started);
  }

  /**
   * Runs {@code transfers} random transfers from {@code threads} threads at once (one thread: as
   * {@link #run(int, long, Consumer)}, replayed exactly by its seed). With several threads transfer
   * {@code i} is drawn from the seed and {@code i}, so a run makes the same transfers in whatever
   * order the threads take them; the coordinator's log groups their forced appends.
   */
  public WalletReport run(int transfers, int threads, long seed, Consumer<String> progress) throws SQLException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    if (threads == 1) {
      return run(transfers, seed, progress);
    }
    long started = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong committed = new AtomicLong();
    AtomicInteger named = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "wallet-" + named.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < transfers; i = next.getAndIncrement()) {
                    if (transfer(seed, i) instanceof Outcome.Committed) {
                      committed.incrementAndGet();
                    }
                    done.incrementAndGet();
                  }
                  return null;
                }));
      }
      long nextLine = started + 2_000_000_000L;
      for (Future<?> worker : workers) {
        while (true) {
          try {
            worker.get(200, TimeUnit.MILLISECONDS);
            break;
          } catch (TimeoutException notYet) {
            if (System.nanoTime() > nextLine) {
              progress.accept("wallet " + protocol.flag() + " on files: " + done.get() + "/" + transfers
                  + " transfers, " + threads + " threads");
              nextLine += 1_000_000_000L;
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted with " + done.get() + " of " + transfers + " transfers done", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
    return report(transfers, committed.get(), 0, started);
  }

  /**
   * Transfer number {@code index} of the run seeded {@code seed} (the one {@link #run(int, int,
   * long, Consumer)} makes with several threads), on the caller's thread; thread-safe.
   */
  public Outcome transfer(long seed, long index) throws SQLException {
    return transfer(RandomTransfer.numbered(seed, index, accounts));
  }

  private Outcome transfer(RandomTransfer t) throws SQLException {
    return transfer(t.from(), t.to(), t.cents());
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
        return JdbcShard.transferOverXa(
            twoPc, shardOf(from).xaDataSource(), shardOf(from).name(), shardOf(to).xaDataSource(),
            shardOf(to).name(), from, to, cents);
      }
    }
  }

  /** Finishes every transaction a killed process left, then measures the invariants. */
  public WalletReport recover() throws SQLException {
    long started = System.nanoTime();
    AtomicLong recovered = new AtomicLong(coordinator.recover().size());
    if (protocol == Protocol.TWO_PC) {
      for (XAConnection c : recoveryConnections) {
        XaRecovery.Report orphans =
            XaRecovery.resolve(c.getXAResource(), (TwoPhaseCoordinator) coordinator);
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
