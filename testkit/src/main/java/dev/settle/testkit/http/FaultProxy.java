package dev.settle.testkit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy between a coordinator and one remote participant that really loses, delays and
 * repeats calls, from a seed. For each {@code POST} it either forwards the call cleanly or, each
 * with probability {@code rate}:
 *
 * <ul>
 *   <li>{@code dropRequest}: closes the caller's connection without forwarding (the participant
 *       never sees the call);
 *   <li>{@code dropResponse}: forwards the call, then closes the caller's connection without the
 *       answer (the participant applied it, the caller does not know);
 *   <li>{@code delay}: holds the call for {@code delay} before forwarding it; with a delay longer
 *       than the caller's timeout, a Cancel sent meanwhile overtakes its Try on the wire;
 *   <li>{@code duplicate}: delivers the call twice.
 * </ul>
 *
 * <p>Other methods (a {@code GET} of the participant's state, say) are forwarded cleanly. Faults
 * apply while {@link #faulty(boolean)} is on (the default). The proxy copies the {@code
 * Settle-*}, {@code traceparent} and {@code Content-Type} request headers and the {@code
 * Content-Type} answer header; it serves on daemon threads.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", 0),
 *     URI.create("http://127.0.0.1:8081"), 7, 0.05, Duration.ofMillis(400))) {
 *   URI base = proxy.uri(); // call the participant through this
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  /** The faults, in the order the seeded draw picks them, then {@code clean}. */
  public static final List<String> OUTCOMES =
      List.of("dropRequest", "dropResponse", "delay", "duplicate", "clean", "lateTryRefused");

  private final Map<String, AtomicLong> counts = new LinkedHashMap<>();
  private volatile boolean faulty = true;
  private final HttpServer server;
  private final ExecutorService pool;
  private final HttpClient client;
  private final URI target;
  private final Random random;
  private final double rate;
  private final Duration delay;
  private final AtomicInteger inFlight = new AtomicInteger();

  private FaultProxy(HttpServer server, ExecutorService pool, URI target, long seed, double rate, Duration delay) {
    this.server = server;
    this.pool = pool;
    this.target = target;
    this.random = new Random(seed);
    this.rate = rate;
    this.delay = delay;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(pool)
            .build();
    for (String outcome : OUTCOMES) {
      counts.put(outcome, new AtomicLong());
    }
  }

  /**
   * Starts a proxy listening on {@code listen} (port 0 picks a free one) in front of {@code
   * target}.
   *
   * @param target the participant's server, {@code http://host:port}; the request path is kept
   * @param seed the seed of the fault draws
   * @param rate the chance of each of the four faults per call, 0 to 0.25
   * @param delay how long a delayed call is held
   * @throws UncheckedIOException if {@code listen} cannot be bound
   * @throws IllegalArgumentException if {@code rate} or {@code delay} is out of range, or {@code
   *     target} is not an absolute http URI
   */
  public static FaultProxy start(InetSocketAddress listen, URI target, long seed, double rate, Duration delay) {
    if (!(rate >= 0 && rate <= 0.25)) {
      throw new IllegalArgumentException("rate must be between 0 and 0.25, was " + rate);
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    if (!"http".equals(target.getScheme()) || target.getHost() == null) {
      throw new IllegalArgumentException("target must be an http://host:port URI, was " + target);
    }
    HttpServer server;
    try {
      server = HttpServer.create(listen, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    FaultProxy proxy = new FaultProxy(server, pool, target, seed, rate, delay);
    server.createContext("/", proxy::serve);
    server.setExecutor(pool);
    server.start();
    return proxy;
  }

  /** {@code http://127.0.0.1:port} of the proxy (or its bound address's host). */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  /** The port the proxy listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Turns the faults on or off; calls already held are still delivered. */
  public void faulty(boolean on) {
    this.faulty = on;
  }

  /**
   * How often each of {@link #OUTCOMES} happened so far; {@code lateTryRefused} counts delayed
   * Tries the participant refused when they finally arrived (their Cancel overtook them).
   */
  public Map<String, Long> counts() {
    Map<String, Long> snapshot = new LinkedHashMap<>();
    counts.forEach((k, v) -> snapshot.put(k, v.get()));
    return snapshot;
  }

  /** How often {@code outcome}, one of {@link #OUTCOMES}, happened so far. */
  public long count(String outcome) {
    AtomicLong c = counts.get(outcome);
    if (c == null) {
      throw new IllegalArgumentException("no such outcome: " + outcome + "; one of " + OUTCOMES);
    }
    return c.get();
  }

  private String fault(String method) {
    if (!faulty || !method.equals("POST") || rate == 0) {
      return "clean";
    }
    double r;
    synchronized (random) {
      r = random.nextDouble();
    }
    int i = (int) (r / rate);
    return i < 4 ? OUTCOMES.get(i) : "clean";
  }

  private void tally(String outcome) {
    AtomicLong c = counts.get(outcome);
    if (c != null) { // every outcome, lateTryRefused included, is put in at start
      c.incrementAndGet();
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String fault = fault(exchange.getRequestMethod());
      tally(fault);
      switch (fault) {
        case "dropRequest" -> {
          return; // closed without an answer; the participant never saw it
        }
        case "delay" -> Thread.sleep(delay.toMillis());
        case "duplicate" -> forward(exchange, body);
        default -> {}
      }
      HttpResponse<byte[]> answer = forward(exchange, body);
      if (fault.equals("delay")
          && exchange.getRequestURI().getRawPath().endsWith("/try")
          && answer.statusCode() == 409) {
        tally("lateTryRefused"); // its Cancel overtook it on the wire
      }
      if (fault.equals("dropResponse")) {
        return; // applied by the participant, never reported to the caller
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
    URI uri = exchange.getRequestURI();
    String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(target.resolve(pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("settle-") || name.equals("traceparent") || name.equals("content-type")) {
        h.getValue().forEach(v -> request.header(h.getKey(), v));
      }
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Waits until no call is held or being forwarded, for at most {@code timeout}; whether it is. */
  public boolean awaitQuiet(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() > end) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return true;
  }

  /** Stops listening at once; calls in flight are cut off. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  @Override
  public String toString() {
    return "FaultProxy[" + uri() + " -> " + target + ", rate " + rate + ", delay " + delay + "]";
  }
}
