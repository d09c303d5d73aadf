package dev.settle.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Serves a {@link ParticipantEndpoint} through the framework-neutral {@code handle} call, the way
 * a servlet would, with test faults in front of it: a delay before a given operation reaches the
 * endpoint (a slow network) and a forced status for an operation (a proxy answering for a shard
 * that is down). Records the status the endpoint gave each delayed call.
 */
final class WrappingServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  final Map<String, Long> delayMillis = new ConcurrentHashMap<>();
  final Map<String, Integer> forcedStatus = new ConcurrentHashMap<>();
  final LinkedBlockingQueue<Integer> delayedAnswers = new LinkedBlockingQueue<>();

  WrappingServer(ParticipantEndpoint endpoint) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String op = path.substring(path.lastIndexOf('/') + 1);
            Integer forced = forcedStatus.get(op);
            if (forced != null) {
              exchange.getRequestBody().readAllBytes();
              exchange.sendResponseHeaders(forced, -1);
              return;
            }
            Long delay = delayMillis.get(op);
            if (delay != null) {
              try {
                Thread.sleep(delay);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
            }
            EndpointResponse answer =
                endpoint.handle(
                    exchange.getRequestMethod(), path, exchange.getRequestHeaders(), exchange.getRequestBody());
            if (delay != null) {
              delayedAnswers.add(answer.status());
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            byte[] body = answer.body();
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          }
        });
    server.setExecutor(pool);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
