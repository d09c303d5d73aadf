package dev.settle.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy between a coordinator and one shard that really loses, delays and repeats
 * calls, from a seed: it drops a request (the shard never sees it, the caller's connection is
 * closed), drops a response after forwarding the request (the shard applied it, the caller does
 * not know), delays a request past the caller's timeout (so a Cancel sent meanwhile overtakes its
 * Try on the wire), and delivers a request twice. Faults apply while {@link #faulty} is set.
 */
final class FaultProxy implements AutoCloseable {
  /** What happened to each call, for the test's report. */
  final Map<String, AtomicInteger> counts =
      Map.of(
          "dropRequest", new AtomicInteger(),
          "dropResponse", new AtomicInteger(),
          "delay", new AtomicInteger(),
          "duplicate", new AtomicInteger(),
          "clean", new AtomicInteger(),
          "lateTryRefused", new AtomicInteger());

  volatile boolean faulty = true;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;
  private final Random random;
  private final double rate;
  private final long delayMillis;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param target the shard's server, {@code http://host:port}
   * @param rate the chance of each of the four faults per call
   * @param delayMillis how long a delayed call is held; more than the caller's timeout
   */
  FaultProxy(URI target, long seed, double rate, long delayMillis) {
    this.target = target;
    this.random = new Random(seed);
    this.rate = rate;
    this.delayMillis = delayMillis;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::serve);
    server.setExecutor(pool);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private String fault() {
    if (!faulty) {
      return "clean";
    }
    double r;
    synchronized (random) {
      r = random.nextDouble();
    }
    String[] faults = {"dropRequest", "dropResponse", "delay", "duplicate"};
    int i = (int) (r / rate);
    return i < faults.length ? faults[i] : "clean";
  }

  private void serve(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String fault = fault();
      counts.get(fault).incrementAndGet();
      switch (fault) {
        case "dropRequest" -> {
          return; // closed without an answer; the shard never saw it
        }
        case "delay" -> Thread.sleep(delayMillis);
        case "duplicate" -> forward(exchange, body);
        default -> {}
      }
      HttpResponse<byte[]> answer = forward(exchange, body);
      if (fault.equals("delay")
          && exchange.getRequestURI().getRawPath().endsWith("/try")
          && answer.statusCode() == 409) {
        counts.get("lateTryRefused").incrementAndGet(); // its Cancel overtook it on the wire
      }
      if (fault.equals("dropResponse")) {
        return; // applied by the shard, never reported to the caller
      }
      answer.headers().firstValue("Content-Type")
          .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
      byte[] bytes = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()))
            .timeout(Duration.ofSeconds(5))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
      if (name.startsWith("settle-") || name.equals("traceparent") || name.equals("content-type")) {
        h.getValue().forEach(v -> request.header(h.getKey(), v));
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Waits until no call is held or being forwarded, for at most {@code timeout}. */
  boolean awaitQuiet(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() > end) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return true;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
