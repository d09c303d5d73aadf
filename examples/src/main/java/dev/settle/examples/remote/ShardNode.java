package dev.settle.examples.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.settle.examples.files.DataDirectoryException;
import dev.settle.examples.files.FileWallet;
import dev.settle.examples.files.JdbcAccounts;
import dev.settle.examples.files.JdbcShard;
import dev.settle.http.EndpointResponse;
import dev.settle.http.JdkHttpServerEndpoint;
import dev.settle.http.ParticipantEndpoint;
import dev.settle.tcc.fence.JdbcTccFence;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One shard of the distributed wallet as its own process: an H2 file database in its data
 * directory (accounts, the TCC fence, the saga barrier), served over HTTP on the JDK's server.
 *
 * <ul>
 *   <li>{@code POST /settle/shard-I/try|confirm|cancel}: the shard's accounts as a TCC
 *       participant, fenced in the same local transaction as the business change;
 *   <li>{@code POST /settle/shard-I/action|compensate}: a saga step that applies a change to one
 *       account, behind the same kind of fence used as a barrier;
 *   <li>{@code GET /balances}: {@code {"total":..,"negative":..,"reserved":..,...}} over the
 *       shard's committed state;
 *   <li>{@code GET /branches}: every fence and barrier record, so a coordinator can check that the
 *       outcomes it reported are what the shard applied.
 * </ul>
 *
 * <p>The directory remembers the settings it was created with; a restart on it (after {@code kill
 * -9}, say) keeps them and every committed change.
 */
public final class ShardNode implements AutoCloseable {
  /** The path every participant route hangs under. */
  public static final String BASE_PATH = "/settle";

  private static final String SETTINGS = "shard.properties";
  private static final String SETUP = "shard.setup";
  /**
   * How long a statement waits for a row lock: twice the wallet's call timeout. A caller has given
   * up on a call whose statement waits longer, and the wait only holds a thread and locks.
   */
  private static final java.time.Duration LOCK_TIMEOUT = RemoteWallet.CALL_TIMEOUT.multipliedBy(2);

  private final Settings settings;
  private final JdbcShard shard;
  private final HttpServer server;
  private final ExecutorService threads;

  /**
   * What a shard's directory was created with.
   *
   * @param index this shard's position, 0 to shards - 1
   * @param shards how many shards the wallet has
   * @param accounts how many accounts the whole wallet has; this shard holds {@code a<n>} for
   *     every n with n mod shards = index
   * @param opening each account's opening balance in cents
   */
  public record Settings(int index, int shards, int accounts, long opening) {
    /** Refuses impossible settings in one sentence that names the flag. */
    public Settings {
      if (shards < 1 || shards > 64) {
        throw new RemoteSettingsException("--shards must be between 1 and 64, was " + shards);
      }
      if (index < 0 || index >= shards) {
        throw new RemoteSettingsException("--shard-index must be between 0 and " + (shards - 1) + " (--shards " + shards + "), was " + index);
      }
      if (accounts < 2 || accounts > 1_000_000) {
        throw new RemoteSettingsException("--accounts must be between 2 and 1000000, was " + accounts);
      }
      if (opening < 0 || opening > 1_000_000_000_000L) {
        throw new RemoteSettingsException("--opening must be between 0 and 10^12 cents, was " + opening);
      }
    }

    /** The name of this shard's participant and step: {@code shard-<index>}. */
    public String name() {
      return "shard-" + index;
    }

    /** The accounts this shard holds. */
    public List<String> ownAccounts() {
      List<String> own = new ArrayList<>();
      for (int a = index; a < accounts; a += shards) {
        own.add("a" + a);
      }
      return own;
    }

    private Properties toProperties() {
      Properties p = new Properties();
      p.setProperty("index", Integer.toString(index));
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
            Integer.parseInt(p.getProperty("index", "")),
            Integer.parseInt(p.getProperty("shards", "")),
            Integer.parseInt(p.getProperty("accounts", "")),
            Long.parseLong(p.getProperty("opening", "")));
      } catch (IOException | RuntimeException e) {
        throw new DataDirectoryException(file + " is unreadable or damaged (" + e.getMessage()
            + "); restore it or choose another --data-dir", e);
      }
    }
  }

  private ShardNode(Settings settings, JdbcShard shard, HttpServer server, ExecutorService threads) {
    this.settings = settings;
    this.shard = shard;
    this.server = server;
    this.threads = threads;
  }

  /** The settings a shard directory holds, if it holds one. */
  public static java.util.Optional<Settings> existing(Path directory) {
    for (String name : new String[] {SETTINGS, SETUP}) {
      if (Files.exists(directory.resolve(name))) {
        return java.util.Optional.of(Settings.read(directory.resolve(name)));
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Opens (creating it if new) the shard in {@code directory} and serves it on {@code port} of the
   * loopback address (0: a free port). An existing directory keeps its settings; set-up killed
   * half-way is finished with the settings it started with.
   */
  public static ShardNode start(Path directory, Settings wanted, String host, int port) throws SQLException {
    FileWallet.checkUsable(directory);
    Path setup = directory.resolve(SETUP);
    Settings settings = existing(directory).orElse(wanted);
    JdbcShard shard = new JdbcShard(settings.name(), directory, LOCK_TIMEOUT);
    try {
      shard.createTables();
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("already in use") || String.valueOf(e.getMessage()).contains("Database may be already")) {
        throw new DataDirectoryException("the shard database in " + directory + " is in use by another process; stop it or choose another --data-dir", e);
      }
      throw e;
    }
    if (!Files.exists(directory.resolve(SETTINGS))) {
      try {
        if (!Files.exists(setup)) {
          write(directory, setup, settings.toProperties());
        }
        shard.reset(settings.ownAccounts(), settings.opening());
        Files.move(setup, directory.resolve(SETTINGS), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new DataDirectoryException("cannot set up the shard in " + directory + ": " + DataDirectoryException.describe(e) + "; check the disk and run again", e);
      }
    }
    ParticipantEndpoint endpoint =
        ParticipantEndpoint.builder()
            .basePath(BASE_PATH)
            .tcc(JdbcTccFence.builder().build(), shard.dataSource(), new JdbcAccounts(settings.name()))
            .saga(JdbcTccFence.builder().table("settle_saga_barrier").build(), shard.dataSource(), new JdbcTransferStep(settings.name()))
            .build();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new RemoteWalletException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); choose another --port", e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, settings.name() + "-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ShardNode node = new ShardNode(settings, shard, server, threads);
    HttpHandler participants = JdkHttpServerEndpoint.handler(endpoint);
    server.createContext("/", exchange -> node.serve(participants, exchange));
    // Calls whose callers gave up while they waited for a thread are answered without running.
    server.setExecutor(JdkHttpServerEndpoint.queueTimed(threads));
    server.start();
    return node;
  }

  private static void write(Path directory, Path file, Properties p) throws IOException {
    Path tmp = directory.resolve(file.getFileName() + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp)) {
      p.store(out, "Settle wallet shard");
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  /** What the shard was created with. */
  public Settings settings() {
    return settings;
  }

  /** The port the shard listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void serve(HttpHandler participants, HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (!path.equals("/balances") && !path.equals("/branches")) {
      participants.handle(exchange);
      return;
    }
    try (exchange) {
      EndpointResponse answer = read(exchange.getRequestMethod(), path);
      for (Map.Entry<String, String> h : answer.headers().entrySet()) {
        exchange.getResponseHeaders().set(h.getKey(), h.getValue());
      }
      byte[] bytes = answer.body();
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private EndpointResponse read(String method, String path) {
    if (!method.equals("GET")) {
      return new EndpointResponse(405, Map.of("Allow", "GET", "Content-Type", "text/plain"),
          (path + " takes GET, not " + method + "\n").getBytes(StandardCharsets.UTF_8));
    }
    try {
      String json = path.equals("/balances") ? balancesJson() : branchesJson();
      return new EndpointResponse(200, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    } catch (SQLException e) {
      return new EndpointResponse(503, Map.of("Content-Type", "text/plain"),
          ("cannot read the shard: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * {@code {"total":..,"negative":..,"reserved":..}} (cents in all accounts, accounts below zero,
   * cents held in TCC reservations), then the shard's settings.
   */
  public String balancesJson() throws SQLException {
    long total = 0;
    long negative = 0;
    for (long balance : shard.balances().values()) {
      total += balance;
      negative += balance < 0 ? 1 : 0;
    }
    return "{\"total\":" + total + ",\"negative\":" + negative + ",\"reserved\":" + shard.reserved()
        + ",\"shardIndex\":" + settings.index() + ",\"shards\":" + settings.shards()
        + ",\"accounts\":" + settings.accounts() + ",\"opening\":" + settings.opening() + "}";
  }

  /**
   * {@code {"tcc":{"<tx>/<branch>":"<state>",...},"saga":{...}}}: every TCC fence and saga barrier
   * record, state as the fence's one-letter code.
   */
  public String branchesJson() throws SQLException {
    StringBuilder json = new StringBuilder("{");
    String[][] tables = {{"tcc", "settle_tcc_fence"}, {"saga", "settle_saga_barrier"}};
    try (Connection c = shard.connect(); Statement s = c.createStatement()) {
      for (int t = 0; t < tables.length; t++) {
        json.append(t == 0 ? "" : ",").append('"').append(tables[t][0]).append("\":{");
        try (ResultSet rs = s.executeQuery("SELECT tx_id, branch_id, state FROM " + tables[t][1])) {
          boolean first = true;
          while (rs.next()) {
            json.append(first ? "" : ",").append('"').append(escape(rs.getString(1) + "/" + rs.getString(2)))
                .append("\":\"").append(escape(rs.getString(3))).append('"');
            first = false;
          }
        }
        json.append('}');
      }
    }
    return json.append('}').toString();
  }

  static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Stops serving at once (calls in flight are cut off, as a crash would). */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
