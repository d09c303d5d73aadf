package dev.settle.testkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy forwards, and really loses, delays and repeats POSTs from its seed. */
class FaultProxyTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicInteger received = new AtomicInteger();
  private HttpServer target;

  @BeforeEach
  void startTarget() throws IOException {
    target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    target.createContext("/", exchange -> {
      try (exchange) {
        byte[] body = exchange.getRequestBody().readAllBytes();
        received.incrementAndGet();
        byte[] answer = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
            + exchange.getRequestHeaders().getFirst("Settle-Transaction-Id") + " "
            + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    });
    target.start();
  }

  @AfterEach
  void stopTarget() {
    target.stop(0);
  }

  private URI targetUri() {
    return URI.create("http://127.0.0.1:" + target.getAddress().getPort());
  }

  private static InetSocketAddress anyPort() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private HttpResponse<String> post(FaultProxy proxy, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(proxy.uri() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Settle-Transaction-Id", "tx-1")
            .POST(HttpRequest.BodyPublishers.ofString("A:-1"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutFaultsEveryCallIsForwardedOnceWithItsPathHeadersAndBody() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(anyPort(), targetUri(), 1, 0.25, Duration.ofMillis(10))) {
      proxy.faulty(false);
      assertThat(post(proxy, "/settle/shard-0/try").body()).isEqualTo("POST /settle/shard-0/try tx-1 A:-1");
      assertThat(client.send(HttpRequest.newBuilder(URI.create(proxy.uri() + "/balances?x=1")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body()).startsWith("GET /balances?x=1");
      assertThat(received.get()).isEqualTo(2);
      assertThat(proxy.count("clean")).isEqualTo(2);
    }
  }

  @Test
  void withFaultsCallsAreLostDelayedAndRepeatedButGetsPassCleanly() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(anyPort(), targetUri(), 7, 0.2, Duration.ofMillis(10))) {
      int answered = 0;
      for (int i = 0; i < 100; i++) {
        try {
          answered += post(proxy, "/p/try").statusCode() == 200 ? 1 : 0;
        } catch (IOException lost) {
          // dropped request or dropped answer: the caller cannot tell which
        }
      }
      assertThat(proxy.awaitQuiet(Duration.ofSeconds(10))).isTrue();
      for (String fault : new String[] {"dropRequest", "dropResponse", "delay", "duplicate", "clean"}) {
        assertThat(proxy.count(fault)).as("%s in %s", fault, proxy.counts()).isPositive();
      }
      long sum = proxy.count("dropRequest") + proxy.count("dropResponse") + proxy.count("delay")
          + proxy.count("duplicate") + proxy.count("clean");
      assertThat(sum).isEqualTo(100);
      // The target saw every call but the dropped ones, and the duplicated ones twice.
      assertThat(received.get()).isEqualTo(100 - proxy.count("dropRequest") + proxy.count("duplicate"));
      assertThat(answered).isEqualTo(100 - proxy.count("dropRequest") - proxy.count("dropResponse"));
      int before = received.get();
      for (int i = 0; i < 20; i++) {
        assertThat(client.send(HttpRequest.newBuilder(URI.create(proxy.uri() + "/balances")).GET().build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      }
      assertThat(received.get()).isEqualTo(before + 20);
    }
  }

  @Test
  void badSettingsAndABusyPortAreRefused() {
    assertThatThrownBy(() -> FaultProxy.start(anyPort(), targetUri(), 1, 0.5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rate must be between 0 and 0.25, was 0.5");
    assertThatThrownBy(() -> FaultProxy.start(anyPort(), URI.create("localhost:80"), 1, 0.1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target must be an http://host:port URI");
    assertThatThrownBy(() -> FaultProxy.start(anyPort(), targetUri(), 1, 0.1, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay must not be negative");
    assertThatThrownBy(() -> FaultProxy.start(target.getAddress(), targetUri(), 1, 0.1, Duration.ZERO))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot listen on");
    try (FaultProxy proxy = FaultProxy.start(anyPort(), targetUri(), 1, 0, Duration.ZERO)) {
      assertThatThrownBy(() -> proxy.count("lost")).hasMessageContaining("no such outcome: lost");
    }
  }
}
