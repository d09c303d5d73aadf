package dev.settle.examples.remote;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.FileTransactionLog;
import dev.settle.core.log.LogReplay;
import dev.settle.examples.files.DataDirectoryException;
import dev.settle.examples.files.FileWallet;
import dev.settle.examples.wallet.Change;
import dev.settle.examples.wallet.Protocol;
import dev.settle.examples.wallet.RandomTransfer;
import dev.settle.examples.wallet.WalletReport;
import dev.settle.http.RemoteSagaStep;
import dev.settle.http.RemoteTccParticipant;
import dev.settle.saga.spi.SagaContext;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccCoordinatorBuilder;
import dev.settle.tcc.TccTransaction;
import dev.settle.testkit.FaultStats;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The coordinator process of the distributed wallet: its transaction log is a {@link
 * FileTransactionLog} in its data directory, and every shard is another process, reached over
 * HTTP at the URL of its position in {@code --remote} (directly or through a fault proxy). TCC
 * branches are {@link RemoteTccParticipant}s named {@code shard-I}; saga steps are {@link
 * RemoteSagaStep}s, chosen by the account they touch. The shards' own {@code GET /balances}
 * answers give the totals the invariants are judged on, and their {@code GET /branches} answers
 * check that every outcome this process reported is what the shards applied.
 */
public final class RemoteWallet implements AutoCloseable {
  /** How long one HTTP call to a shard may take before its outcome counts as unknown. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

  private static final String SETTINGS = "coordinator.properties";
  private static final SagaKey<String> FROM = SagaKey.ofString("from");
  private static final SagaKey<String> TO = SagaKey.ofString("to");
  private static final SagaKey<Long> CENTS = SagaKey.ofLong("cents");
  private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":(-?\\d+)");
  private static final Pattern STATE = Pattern.compile("\"([^\"]+)\":\"([A-Z])\"");

  private final Path directory;
  private final Protocol protocol;
  private final List<URI> shards;
  private final int accounts;
  private final long opening;
  private final FileTransactionLog log;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final List<RemoteTccParticipant> participants = new ArrayList<>();
  private final List<RemoteSagaStep> steps = new ArrayList<>();
  private final Coordinator<?> coordinator;
  private @Nullable SagaDefinition saga;
  /** Every clean or unclean outcome this process reported, by transaction, the latest kept. */
  private final Map<TransactionId, Outcome> reported = new ConcurrentHashMap<>();

  private RemoteWallet(Path directory, Protocol protocol, List<URI> shards, Map<String, Long> first) {
    this.directory = directory;
    this.protocol = protocol;
    this.shards = List.copyOf(shards);
    this.accounts = Math.toIntExact(first.get("accounts"));
    this.opening = first.get("opening");
    Path logDir = directory.resolve("log");
    try {
      Files.createDirectories(logDir);
      // A day of history, so that `explain` still tells ended transfers after compactions.
      this.log = FileTransactionLog.builder(logDir).historyRetention(java.time.Duration.ofDays(1)).open();
    } catch (IOException e) {
      throw new DataDirectoryException("cannot create " + logDir + ": " + DataDirectoryException.describe(e) + "; check the --data-dir path", e);
    } catch (TransactionLogException e) {
      throw new DataDirectoryException(e.getMessage() + (String.valueOf(e.getMessage()).contains("another coordinator")
          ? " (another wallet process is using " + directory + "; wait for it or stop it)" : ""), e);
    }
    try {
      this.coordinator = buildCoordinator();
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  /**
   * Opens the coordinator in {@code directory} against {@code shards} (the shard at position I
   * must be shard I), creating the directory for {@code protocol} if it is new.
   *
   * @param protocol the protocol asked for, or null to keep the directory's (tcc for a new one)
   * @param shardWait how long to wait for the shards to answer at all
   * @throws RemoteSettingsException if the flags contradict the directory or the shards
   * @throws RemoteWalletException if a shard cannot be reached or answers nonsense
   */
  public static RemoteWallet open(Path directory, @Nullable Protocol protocol, List<URI> shards, Duration shardWait) {
    FileWallet.checkUsable(directory);
    Path file = directory.resolve(SETTINGS);
    Optional<Properties> existing = read(file);
    Protocol chosen = protocol == null ? Protocol.TCC : protocol;
    if (existing.isPresent()) {
      Protocol was = Protocol.of(existing.get().getProperty("protocol", "tcc"));
      int wasShards = Integer.parseInt(existing.get().getProperty("shards", "0"));
      if (protocol != null && protocol != was) {
        throw new RemoteSettingsException("data directory " + directory + " holds a " + was.flag()
            + " coordinator; omit --protocol or choose another --data-dir (asked for " + protocol.flag() + ")");
      }
      if (wasShards != shards.size()) {
        throw new RemoteSettingsException("data directory " + directory + " holds a coordinator of " + wasShards
            + " shards; --remote names " + shards.size());
      }
      chosen = was;
    }
    if (chosen == Protocol.TWO_PC) {
      throw new RemoteSettingsException("--protocol 2pc is not supported with --remote: its participants"
          + " are XA resources, which do not travel over HTTP; use tcc or saga");
    }
    Map<String, Long> first = describeAll(shards, shardWait);
    if (existing.isEmpty()) {
      Properties p = new Properties();
      p.setProperty("protocol", chosen.flag());
      p.setProperty("shards", Integer.toString(shards.size()));
      try {
        Path tmp = directory.resolve(SETTINGS + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp)) {
          p.store(out, "Settle remote wallet coordinator");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new DataDirectoryException("cannot write " + file + ": " + DataDirectoryException.describe(e) + "; check the disk", e);
      }
    }
    return new RemoteWallet(directory, chosen, shards, first);
  }

  /** Opens an existing coordinator directory, as {@code wallet recover --remote} does. */
  public static RemoteWallet reopen(Path directory, List<URI> shards, Duration shardWait) {
    FileWallet.checkUsable(directory);
    if (read(directory.resolve(SETTINGS)).isEmpty()) {
      throw new DataDirectoryException("no remote wallet coordinator in " + directory + " (" + SETTINGS
          + " is missing); create one with 'wallet --remote URLS --data-dir " + directory + "'", null);
    }
    return open(directory, null, shards, shardWait);
  }

  private static Optional<Properties> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
      Protocol.of(p.getProperty("protocol", ""));
      Integer.parseInt(p.getProperty("shards", ""));
      return Optional.of(p);
    } catch (IOException | RuntimeException e) {
      throw new DataDirectoryException(file + " is unreadable or damaged (" + e.getMessage() + "); restore it or choose another --data-dir", e);
    }
  }

  /** Every shard's settings, checked against its position; the first shard's are returned. */
  private static Map<String, Long> describeAll(List<URI> shards, Duration wait) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    Map<String, Long> first = new HashMap<>();
    for (int i = 0; i < shards.size(); i++) {
      Map<String, Long> d = balances(client, shards.get(i), i, System.nanoTime() + wait.toNanos());
      if (d.get("shardIndex") != i || d.get("shards") != shards.size()) {
        throw new RemoteSettingsException("--remote lists " + shards.get(i) + " at position " + i + " of " + shards.size()
            + ", but it serves shard " + d.get("shardIndex") + " of " + d.get("shards") + "; list the shards in order of --shard-index");
      }
      if (i == 0) {
        first = d;
      } else if (!d.get("accounts").equals(first.get("accounts")) || !d.get("opening").equals(first.get("opening"))) {
        throw new RemoteSettingsException("shard " + i + " at " + shards.get(i) + " holds " + d.get("accounts") + " accounts opened with "
            + d.get("opening") + " cents, shard 0 " + first.get("accounts") + " with " + first.get("opening") + "; start every shard with the same --accounts and --opening");
      }
    }
    return first;
  }

  /**
   * {@code GET {shard}/balances}, retried until {@code deadlineNanos}; its numbers by name.
   *
   * @throws RemoteWalletException if the shard never answered
   */
  private static Map<String, Long> balances(HttpClient client, URI shard, int index, long deadlineNanos) {
    String body = get(client, shard, index, "/balances", deadlineNanos);
    Map<String, Long> numbers = new HashMap<>();
    Matcher m = NUMBER.matcher(body);
    while (m.find()) {
      numbers.put(m.group(1), Long.parseLong(m.group(2)));
    }
    for (String key : List.of("total", "negative", "reserved", "shardIndex", "shards", "accounts", "opening")) {
      if (!numbers.containsKey(key)) {
        throw new RemoteWalletException("shard " + index + " at " + shard + " answered /balances without \"" + key
            + "\"; is it a Settle wallet shard ('shard serve')?", null);
      }
    }
    return numbers;
  }

  private static String get(HttpClient client, URI shard, int index, String path, long deadlineNanos) {
    Exception last = null;
    String why = "";
    do {
      try {
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(URI.create(shard + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return answer.body();
        }
        why = "answered " + answer.statusCode() + " to GET " + path;
      } catch (IOException e) {
        last = e;
        why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RemoteWalletException("interrupted while reading shard " + index + " at " + shard, e);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RemoteWalletException("interrupted while reading shard " + index + " at " + shard, e);
      }
    } while (System.nanoTime() < deadlineNanos);
    throw new RemoteWalletException("cannot reach shard " + index + " at " + shard + " (" + why
        + "); start it with 'shard serve' or fix --remote", last);
  }

  private Coordinator<?> buildCoordinator() {
    RetryPolicy phaseTwo =
        RetryPolicy.builder()
            .maxAttempts(40)
            .backoff(Duration.ofMillis(20), Duration.ofSeconds(1))
            .build();
    for (int i = 0; i < shards.size(); i++) {
      String name = "shard-" + i;
      URI base = URI.create(shards.get(i) + ShardNode.BASE_PATH + "/" + name);
      participants.add(RemoteTccParticipant.builder(name, base).callTimeout(CALL_TIMEOUT).build());
      steps.add(RemoteSagaStep.builder(base).callTimeout(CALL_TIMEOUT).payload(RemoteWallet::change).build());
    }
    if (protocol == Protocol.SAGA) {
      SagaDefinition definition =
          SagaDefinition.builder("transfer")
              .step("debit", ctx -> stepOf(ctx.get(FROM)).action().run(ctx), ctx -> stepOf(ctx.get(FROM)).compensation().run(ctx))
              .step("credit", ctx -> stepOf(ctx.get(TO)).action().run(ctx), ctx -> stepOf(ctx.get(TO)).compensation().run(ctx))
              .build();
      saga = definition;
      return SagaCoordinator.builder()
          .log(log)
          .definition(definition)
          .callTimeout(CALL_TIMEOUT.multipliedBy(3))
          .phaseTwoRetry(phaseTwo)
          .build();
    }
    TccCoordinatorBuilder b =
        TccCoordinator.builder()
            .log(log)
            .tryTimeout(CALL_TIMEOUT.multipliedBy(2))
            .transactionTimeout(Duration.ofSeconds(10))
            .callTimeout(CALL_TIMEOUT.multipliedBy(3))
            .phaseTwoRetry(phaseTwo);
    participants.forEach(b::participant);
    return b.build();
  }

  /** What a saga step sends: the debit or credit of the step's account. */
  private static byte[] change(SagaContext ctx) {
    boolean debit = ctx.step().value().equals("debit");
    long cents = ctx.get(CENTS);
    return new Change(debit ? ctx.get(FROM) : ctx.get(TO), debit ? -cents : cents).toBytes();
  }

  private int shardOf(String account) {
    return Integer.parseInt(account.substring(1)) % shards.size();
  }

  private RemoteSagaStep stepOf(String account) {
    return steps.get(shardOf(account));
  }

  /** The protocol this coordinator runs. */
  public Protocol protocol() {
    return protocol;
  }

  /**
   * Finishes what an earlier process left, runs {@code transfers} random transfers on {@code
   * threads} threads, then recovers until nothing is unfinished (for at most {@code wait}) and
   * reports over every shard. {@code progress} hears a line every second after two.
   */
  public RemoteReport run(int transfers, int threads, long seed, Duration wait, Consumer<String> progress) throws InterruptedException {
    long started = System.nanoTime();
    long recovered = remember(coordinator.recover());
    // One seeded sequence of transfers, drawn in order as threads take them: the same transfers
    // whatever the number of threads, without holding them all in memory.
    Random random = new Random(seed);
    int[] drawn = {0};
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    try {
      for (int w = 0; w < threads; w++) {
        workers.add(pool.submit(() -> {
          while (true) {
            RandomTransfer t;
            synchronized (random) {
              if (drawn[0] == transfers) {
                return null;
              }
              drawn[0]++;
              t = RandomTransfer.next(random, accounts);
            }
            Outcome o = transfer(t.from(), t.to(), t.cents());
            reported.put(o.transactionId(), o);
            done.incrementAndGet();
          }
        }));
      }
      long report = System.nanoTime() + 2_000_000_000L;
      for (Future<?> worker : workers) {
        while (true) {
          try {
            worker.get(200, TimeUnit.MILLISECONDS);
            break;
          } catch (java.util.concurrent.TimeoutException notYet) {
            if (System.nanoTime() > report) {
              progress.accept("wallet " + protocol.flag() + " --remote: " + done.get() + "/" + transfers + " transfers");
              report += 1_000_000_000L;
            }
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Set<TransactionId> mine = new HashSet<>(reported.keySet());
    recovered += finish(wait);
    long committed = 0;
    long rolledBack = 0;
    for (TransactionId id : mine) {
      Outcome o = reported.get(id);
      committed += o instanceof Outcome.Committed ? 1 : 0;
      rolledBack += o instanceof Outcome.RolledBack ? 1 : 0;
    }
    return report(transfers, committed, rolledBack, recovered, started, wait);
  }

  /**
   * Finishes every transaction the log holds unfinished (a killed coordinator's), waiting up to
   * {@code wait} for shards that are down, and reports over every shard.
   */
  public RemoteReport recover(Duration wait) throws InterruptedException {
    long started = System.nanoTime();
    long recovered = finish(wait);
    return report(0, 0, 0, recovered, started, wait);
  }

  private long remember(List<Outcome> outcomes) {
    long clean = 0;
    for (Outcome o : outcomes) {
      reported.put(o.transactionId(), o);
      clean += o.isClean() ? 1 : 0;
    }
    return clean;
  }

  /** Recovery passes until the log has nothing unfinished, or {@code wait} has passed. */
  private long finish(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    long recovered = 0;
    while (true) {
      recovered += remember(coordinator.recover());
      if (unfinished().isEmpty() || System.nanoTime() > deadline) {
        return recovered;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  private Set<TransactionId> unfinished() {
    String name = protocol == Protocol.SAGA ? SagaCoordinator.PROTOCOL : TccCoordinator.PROTOCOL;
    return LogReplay.unfinished(log, name).keySet();
  }

  private Outcome transfer(String from, String to, long cents) {
    if (protocol == Protocol.SAGA) {
      @SuppressWarnings("unchecked")
      Coordinator<SagaRequest> sagas = (Coordinator<SagaRequest>) coordinator;
      return sagas.execute(SagaRequest.of(java.util.Objects.requireNonNull(saga)).with(FROM, from).with(TO, to).with(CENTS, cents));
    }
    @SuppressWarnings("unchecked")
    Coordinator<TccTransaction> tcc = (Coordinator<TccTransaction>) coordinator;
    return tcc.execute(
        TccTransaction.builder()
            .branch("debit", participants.get(shardOf(from)), new Change(from, -cents).toBytes())
            .branch("credit", participants.get(shardOf(to)), new Change(to, cents).toBytes())
            .build());
  }

  private RemoteReport report(long transfers, long committed, long rolledBack, long recovered, long started, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    long total = 0;
    long negative = 0;
    long reserved = 0;
    Map<String, String> states = new HashMap<>();
    String table = protocol == Protocol.SAGA ? "saga" : "tcc";
    for (int i = 0; i < shards.size(); i++) {
      Map<String, Long> b = balances(client, shards.get(i), i, deadline);
      total += b.get("total");
      negative += b.get("negative");
      reserved += b.get("reserved");
      states.putAll(branchStates(get(client, shards.get(i), i, "/branches", deadline), table));
    }
    Set<TransactionId> open = new HashSet<>(unfinished());
    for (Outcome o : reported.values()) {
      if (!o.isClean()) {
        open.add(o.transactionId());
      }
    }
    String applied = protocol == Protocol.SAGA ? "T" : "C";
    long checked = 0;
    long untruthful = 0;
    for (Outcome o : reported.values()) {
      if (!o.isClean()) {
        continue;
      }
      checked++;
      String tx = o.transactionId().value();
      boolean debit = applied.equals(states.get(tx + "/debit"));
      boolean credit = applied.equals(states.get(tx + "/credit"));
      boolean truthful = o instanceof Outcome.Committed ? debit && credit : !debit && !credit;
      untruthful += truthful ? 0 : 1;
    }
    WalletReport wallet =
        new WalletReport(
            protocol.flag(),
            transfers,
            committed,
            rolledBack,
            open.size(),
            (long) accounts * opening,
            total,
            negative,
            reserved,
            0,
            recovered > 0 ? 1 : 0,
            new FaultStats(0, 0, 0, 0, 0, 0),
            (System.nanoTime() - started) / 1_000_000,
            recovered);
    return new RemoteReport(wallet, shards.size(), checked, untruthful);
  }

  /** The {@code "tx/branch":"state"} pairs of one table's section of a {@code /branches} answer. */
  static Map<String, String> branchStates(String json, String table) {
    int start = json.indexOf("\"" + table + "\":{");
    if (start < 0) {
      return Map.of();
    }
    int end = json.indexOf('}', start);
    Map<String, String> states = new HashMap<>();
    Matcher m = STATE.matcher(json.substring(start + table.length() + 4, end < 0 ? json.length() : end));
    while (m.find()) {
      states.put(m.group(1), m.group(2));
    }
    return states;
  }

  /** The data directory. */
  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    coordinator.close();
    log.close();
  }
}
