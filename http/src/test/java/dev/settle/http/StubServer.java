package dev.settle.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback server that answers every request with what the test set, after an optional sleep. */
final class StubServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  final AtomicInteger requests = new AtomicInteger();
  volatile int status = 204;
  volatile String contentType = "";
  volatile String body = "";
  volatile long sleepMillis;
  final java.util.List<com.sun.net.httpserver.Headers> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

  StubServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            seen.add(exchange.getRequestHeaders());
            if (sleepMillis > 0) {
              try {
                Thread.sleep(sleepMillis);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (!contentType.isEmpty()) {
              exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
              }
            }
          }
        });
    server.setExecutor(pool);
    server.start();
  }

  StubServer answer(int status, String contentType, String body) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    return this;
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/p/shard");
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
