package dev.settle.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.http.JdkHttpServerEndpoint;
import dev.settle.http.ParticipantEndpoint;
import dev.settle.http.RemoteTccParticipant;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccTransaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Remote TCC over loopback HTTP against plain POST round trips between the same stacks (the JDK
 * {@link HttpClient}, HTTP/1.1, and the JDK {@link HttpServer} on 16 threads per server), two
 * servers each. A transfer is two branches, each a Try and a Confirm: four POSTs.
 */
final class HttpRows {
  static final String GROUP = "http";
  private static final int SERVER_THREADS = 16;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final byte[] PAYLOAD = "A:-1".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private HttpRows() {}

  /** Measures every HTTP row into {@code report}. */
  static void measure(Timed.Windows windows, Report report) {
    for (int concurrency : new int[] {1, 64}) {
      Timed.Result[] results = compare(concurrency, windows);
      Timed.Result floor = results[0];
      Timed.Result settle = results[1];
      String suffix = concurrency + "c";
      report.ops.put("http-post-" + suffix, floor.opsPerSecond());
      report.ops.put("http-post-x4-" + suffix, floor.opsPerSecond() / 4);
      report.ops.put("tcc-http-" + suffix, settle.opsPerSecond());
      report.latencies.add(
          new Report.Latency(
              "tcc over http, " + concurrency + (concurrency == 1 ? " transfer" : " transfers")
                  + " at a time, vs one POST round trip",
              settle.p50Millis(),
              settle.p99Millis(),
              floor.p50Millis(),
              floor.p99Millis()));
    }
    report.notes.add(
        "http: loopback, 2 JDK HttpServers x " + SERVER_THREADS + " threads, JDK HttpClient HTTP/1.1;"
            + " tcc on the in-memory log, default executor (Tries in parallel, Confirms in turn)");
  }

  /**
   * The floor, one POST of a 4-byte body answered 204, to two plain servers in turn; and remote
   * TCC to two endpoints with an in-memory participant each, the coordinator on the in-memory log.
   */
  private static Timed.Result[] compare(int concurrency, Timed.Windows windows) {
    HttpServer a = plainServer();
    HttpServer b = plainServer();
    ParticipantEndpoint e1 =
        ParticipantEndpoint.builder().basePath("/settle").tcc(Participants.tcc("shard-1", new Accounts())).build();
    ParticipantEndpoint e2 =
        ParticipantEndpoint.builder().basePath("/settle").tcc(Participants.tcc("shard-2", new Accounts())).build();
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    try (JdkHttpServerEndpoint s1 = JdkHttpServerEndpoint.start(any, e1, SERVER_THREADS);
        JdkHttpServerEndpoint s2 = JdkHttpServerEndpoint.start(any, e2, SERVER_THREADS)) {
      HttpClient client = client();
      List<URI> targets = List.of(uri(a), uri(b));
      int[] next = new int[concurrency];
      RemoteTccParticipant shard1 =
          RemoteTccParticipant.builder("shard-1", URI.create(s1.uri() + "/settle/shard-1"))
              .callTimeout(TIMEOUT)
              .build();
      RemoteTccParticipant shard2 =
          RemoteTccParticipant.builder("shard-2", URI.create(s2.uri() + "/settle/shard-2"))
              .callTimeout(TIMEOUT)
              .build();
      TccCoordinator coordinator =
          TccCoordinator.builder()
              .log(new InMemoryTransactionLog())
              .participant(shard1)
              .participant(shard2)
              .tryTimeout(TIMEOUT.multipliedBy(2))
              .callTimeout(TIMEOUT.multipliedBy(2))
              .build();
      TccTransaction transfer =
          TccTransaction.builder().branch("debit", shard1, PAYLOAD).branch("credit", shard2, PAYLOAD).build();
      try {
        return Timed.compare(
            "http-" + concurrency,
            concurrency,
            windows,
            t -> {
              URI target = targets.get(next[t]++ & 1);
              HttpRequest request =
                  HttpRequest.newBuilder(target)
                      .version(HttpClient.Version.HTTP_1_1)
                      .timeout(TIMEOUT)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD))
                      .build();
              HttpResponse<byte[]> response =
                  client
                      .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                      .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
              if (response.statusCode() != 204) {
                throw new IllegalStateException("floor answered " + response.statusCode());
              }
            },
            t -> {
              Outcome outcome = coordinator.execute(transfer);
              if (!(outcome instanceof Outcome.Committed)) {
                throw new IllegalStateException("not committed: " + outcome);
              }
            });
      } finally {
        coordinator.close();
      }
    } finally {
      stop(a);
      stop(b);
    }
  }

  private static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  private static HttpServer plainServer() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      ExecutorService pool =
          Executors.newFixedThreadPool(
              SERVER_THREADS,
              r -> {
                Thread t = new Thread(r, "bench-http-floor");
                t.setDaemon(true);
                return t;
              });
      server.createContext("/", HttpRows::answer);
      server.setExecutor(pool);
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      body.readAllBytes();
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private static URI uri(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/floor");
  }

  private static void stop(HttpServer server) {
    server.stop(0);
    if (server.getExecutor() instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }
}
