package dev.settle.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.settle.core.internal.check.Assert;
import dev.settle.http.internal.QueueTimedExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ParticipantEndpoint} served by the JDK's built-in HTTP server ({@code
 * com.sun.net.httpserver}), on a fixed pool of daemon threads.
 *
 * <p>The JDK server has no per-server limit on how long a client may take to send its request
 * (only JVM-wide system properties), so a client that trickles its body holds one of the threads.
 * On a network you do not control, put a reverse proxy with timeouts in front, or serve the
 * {@link ParticipantEndpoint} from your own web framework.
 *
 * <p>A request that waited for a thread at least as long as its caller waits is answered {@code
 * 503} without running ({@link WireFormat#PROBLEM_ABANDONED}): when the participant falls behind,
 * the calls its callers have given up on (and will retry) are not run on top of the live ones.
 *
 * <pre>{@code
 * try (JdkHttpServerEndpoint server =
 *     JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 8081), endpoint)) {
 *   ... // server.port(), server.uri()
 * }
 * }</pre>
 */
public final class JdkHttpServerEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdkHttpServerEndpoint.class);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService threads;

  private JdkHttpServerEndpoint(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Starts serving on {@code address} (port 0 picks a free one) with 16 threads. */
  public static JdkHttpServerEndpoint start(InetSocketAddress address, ParticipantEndpoint endpoint) {
    return start(address, endpoint, 16);
  }

  /**
   * Starts serving on {@code address} with {@code threads} request threads; each runs one
   * participant call at a time, so this bounds the calls running at once.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static JdkHttpServerEndpoint start(
      InetSocketAddress address, ParticipantEndpoint endpoint, int threads) {
    Assert.notNull(address, "address");
    Assert.notNull(endpoint, "endpoint");
    Assert.atLeast(threads, 1, "threads");
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    int id = SERVERS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "settle-http-" + id + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", handler(endpoint));
    server.setExecutor(queueTimed(pool));
    server.start();
    LOG.info("serving {} on {}", endpoint, server.getAddress());
    return new JdkHttpServerEndpoint(server, pool);
  }

  /**
   * A handler that serves {@code endpoint} on an {@link HttpServer} of your own, beside your other
   * contexts ({@code server.createContext("/settle", handler(endpoint))}). Give that server
   * {@link #queueTimed queueTimed(yourThreads)} as its executor so that requests whose callers
   * gave up while they waited in the queue are answered without running (see {@link
   * WireFormat#CALL_TIMEOUT_HEADER}); on any other executor every request runs.
   */
  public static HttpHandler handler(ParticipantEndpoint endpoint) {
    Assert.notNull(endpoint, "endpoint");
    return exchange -> serve(endpoint, exchange);
  }

  /**
   * {@code threads} as an executor for an {@link HttpServer} that also tells {@link
   * #handler(ParticipantEndpoint)} how long each request waited for a thread.
   */
  public static Executor queueTimed(Executor threads) {
    Assert.notNull(threads, "threads");
    return new QueueTimedExecutor(threads);
  }

  private static void serve(ParticipantEndpoint endpoint, HttpExchange exchange) throws IOException {
    // First thing: the time the request waited for this thread, before anything else adds to it.
    Duration queued = QueueTimedExecutor.sinceHandOver();
    try (exchange) {
      EndpointResponse answer;
      try (InputStream body = exchange.getRequestBody()) {
        answer =
            endpoint.handle(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders(),
                body,
                queued);
      } catch (RuntimeException | Error e) {
        // Business code threw past the endpoint's mapping (an Error): nothing is known.
        LOG.error("{} {}: unexpected failure", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        exchange.sendResponseHeaders(500, -1);
        throw e;
      }
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

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port} of the server, with no trailing slash. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  /**
   * Stops at once: calls in flight are cut off, and their callers count them as unknown outcomes
   * (which the coordinator cancels, retries or reports in doubt, and the fence makes safe to
   * repeat). Use {@link #close(Duration)} to let them finish first.
   */
  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /**
   * Stops accepting requests, waits up to {@code grace} (whole seconds, rounded up; the JDK
   * server's granularity) for calls in flight, then stops the threads.
   */
  public void close(Duration grace) {
    Assert.notNegative(grace, "grace");
    long seconds = grace.getSeconds() + (grace.getNano() > 0 ? 1 : 0);
    server.stop((int) Math.min(Integer.MAX_VALUE, seconds));
    threads.shutdownNow();
  }
}
