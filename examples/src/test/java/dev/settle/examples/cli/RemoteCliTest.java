package dev.settle.examples.cli;

import static dev.settle.examples.cli.SettleCliErrorsTest.assertOneLine;
import static dev.settle.examples.cli.SettleCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.examples.cli.SettleCliTest.Run;
import com.sun.net.httpserver.HttpServer;
import dev.settle.examples.files.JdbcShard;
import dev.settle.examples.remote.ShardNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed wallet's commands in one JVM: shards served in-process, a coordinator run and a
 * recovery against them, and every bad flag or unusable environment refused in one clear line
 * with the right exit status (2 usage, 3 environment). {@code RemoteWalletKillTest} runs them as
 * separate processes, with faults and kills.
 */
class RemoteCliTest {
  @TempDir Path dir;
  private ShardNode shard0;
  private ShardNode shard1;

  @BeforeEach
  void serveTwoShards() throws Exception {
    shard0 = ShardNode.start(dir.resolve("s0"), new ShardNode.Settings(0, 2, 6, 1_000), "127.0.0.1", 0);
    shard1 = ShardNode.start(dir.resolve("s1"), new ShardNode.Settings(1, 2, 6, 1_000), "127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    shard0.close();
    shard1.close();
  }

  private String url(ShardNode shard) {
    return "http://127.0.0.1:" + shard.port();
  }

  private String remote() {
    return url(shard0) + "," + url(shard1);
  }

  @Test
  void aShardAnswersItsBalances() throws Exception {
    HttpResponse<String> balances = http("GET", url(shard0) + "/balances");
    assertThat(balances.statusCode()).isEqualTo(200);
    // shard 0 of 2 holds a0, a2, a4 of six accounts
    assertThat(balances.body()).startsWith("{\"total\":3000,\"negative\":0,\"reserved\":0,").contains("\"shardIndex\":0");
    assertThat(http("POST", url(shard0) + "/balances").statusCode()).isEqualTo(405);
    assertThat(http("GET", url(shard0) + "/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void aCoordinatorRunsTransfersAgainstRemoteShardsAndRecoveryFindsNothingLeft() {
    for (String protocol : new String[] {"tcc", "saga"}) {
      Path coordinator = dir.resolve("coordinator-" + protocol);
      Run run = run("wallet", "--protocol", protocol, "--remote", remote(), "--data-dir", coordinator.toString(),
          "--transfers", "40", "--threads", "2", "--seed", "5", "--json");
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.lastLine())
          .startsWith("{\"protocol\":\"" + protocol + "\",\"transfers\":40,")
          .contains("\"inDoubt\":0", "\"totalBefore\":6000", "\"totalAfter\":6000", "\"negativeBalances\":0",
              "\"hangingReservations\":0", "\"shards\":2", "\"checked\":40", "\"untruthful\":0");
      Run recover = run("wallet", "recover", "--remote", remote(), "--data-dir", coordinator.toString());
      assertThat(recover.status()).as(recover.err()).isZero();
      assertThat(recover.out()).contains(protocol + " over 2 shards: 0 transfers", "total 6000 -> 6000 cents", "checked 0 reported outcomes", "0 contradicted");
    }
  }

  @Test
  void moneyCreatedOnAShardIsAnInvariantBrokenAndStatusOne() throws Exception {
    Path coordinator = dir.resolve("c");
    assertThat(run("wallet", "--remote", remote(), "--data-dir", coordinator.toString(), "--transfers", "5").status()).isZero();
    try (Connection c = new JdbcShard("shard-0", dir.resolve("s0")).connect(); Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 'a0'")).isEqualTo(1);
    }
    Run recover = run("wallet", "recover", "--remote", remote(), "--data-dir", coordinator.toString(), "--json");
    assertThat(recover.status()).isEqualTo(1);
    assertThat(recover.lastLine()).contains("\"totalBefore\":6000", "\"totalAfter\":6001");
    assertThat(recover.err()).startsWith("INVARIANT BROKEN: {");
  }

  @Test
  void shardsThatAnswerDoneWithoutApplyingAnythingAreCaughtLying() throws Exception {
    HttpServer[] liars = {liar(0), liar(1)};
    try {
      String urls = "http://127.0.0.1:" + liars[0].getAddress().getPort() + ",http://127.0.0.1:" + liars[1].getAddress().getPort();
      for (String protocol : new String[] {"tcc", "saga"}) {
        Run run = run("wallet", "--protocol", protocol, "--remote", urls, "--data-dir", dir.resolve("liars-" + protocol).toString(),
            "--transfers", "6", "--json");
        assertThat(run.status()).as(run.err()).isEqualTo(1);
        // Every transfer was reported committed, and no shard has a record of applying any of it.
        assertThat(run.lastLine()).contains("\"committed\":6", "\"checked\":6", "\"untruthful\":6");
        assertThat(run.err()).contains("INVARIANT BROKEN");
      }
    } finally {
      for (HttpServer liar : liars) {
        liar.stop(0);
      }
    }
  }

  /** A shard that says "done" to every call and applies nothing: its fence records stay empty. */
  private static HttpServer liar(int index) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        String json = path.equals("/balances")
            ? "{\"total\":3000,\"negative\":0,\"reserved\":0,\"shardIndex\":" + index + ",\"shards\":2,\"accounts\":6,\"opening\":1000}"
            : path.equals("/branches") ? "{\"tcc\":{},\"saga\":{}}" : null;
        if (json == null) {
          exchange.sendResponseHeaders(204, -1);
          return;
        }
        byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
    return server;
  }

  @Test
  void badFlagsAreUsageErrors() {
    String data = dir.resolve("c").toString();
    Run notAUrl = run("wallet", "--remote", "shard-0", "--data-dir", data);
    assertThat(notAUrl.status()).isEqualTo(2);
    assertThat(notAUrl.err()).contains("--remote takes http://host:port URLs separated by commas; \"shard-0\" is not one");
    assertThat(run("wallet", "--remote", remote()).err()).contains("--remote needs --data-dir DIR");
    assertThat(run("wallet", "--remote", remote(), "--data-dir", data, "--protocol", "2pc").err())
        .contains("--protocol 2pc is not supported with --remote");
    assertThat(run("wallet", "--remote", remote(), "--data-dir", data, "--fault-rate", "0.1").err())
        .contains("--fault-rate is not supported with --remote");
    assertThat(run("wallet", "--remote", remote(), "--data-dir", data, "--accounts", "9").status()).isEqualTo(2);
    Run swapped = run("wallet", "--remote", url(shard1) + "," + url(shard0), "--data-dir", data, "--transfers", "1");
    assertThat(swapped.status()).isEqualTo(2);
    assertThat(swapped.err()).contains("at position 0 of 2, but it serves shard 1 of 2");
    Run tooFew = run("wallet", "--remote", url(shard0), "--data-dir", data, "--transfers", "1");
    assertThat(tooFew.status()).isEqualTo(2);
    assertThat(tooFew.err()).contains("at position 0 of 1, but it serves shard 0 of 2");
  }

  @Test
  void anExistingCoordinatorKeepsItsProtocol() {
    String data = dir.resolve("c").toString();
    assertThat(run("wallet", "--protocol", "saga", "--remote", remote(), "--data-dir", data, "--transfers", "2").status()).isZero();
    Run other = run("wallet", "--protocol", "tcc", "--remote", remote(), "--data-dir", data, "--transfers", "2");
    assertThat(other.status()).isEqualTo(2);
    assertThat(other.err()).contains("holds a saga coordinator; omit --protocol");
    assertThat(run("wallet", "--remote", remote(), "--data-dir", data, "--transfers", "2", "--json").lastLine())
        .startsWith("{\"protocol\":\"saga\"");
  }

  @Test
  void anUnreachableShardIsOneLineAndStatusThree() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String nobody = "http://127.0.0.1:" + closed;
    assertOneLine(run("wallet", "--remote", url(shard0) + "," + nobody, "--data-dir", dir.resolve("c").toString(),
        "--wait-seconds", "1"), 3, "cannot reach shard 1 at " + nobody, "start it with 'shard serve'");
  }

  @Test
  void recoveringADirectoryWithNoCoordinatorIsOneLineAndStatusThree() {
    assertOneLine(run("wallet", "recover", "--remote", remote(), "--data-dir", dir.toString()), 3,
        "no remote wallet coordinator in " + dir);
  }

  @Test
  void shardServeRefusesBadFlagsAndUnusableEnvironments() throws IOException {
    Run index = run("shard", "serve", "--port", "0", "--data-dir", dir.resolve("x").toString(), "--shard-index", "2", "--shards", "2");
    assertThat(index.status()).isEqualTo(2);
    assertThat(index.err()).contains("--shard-index must be between 0 and 1 (--shards 2), was 2");
    assertThat(run("shard", "serve", "--port", "0", "--data-dir", dir.resolve("x").toString()).status()).isEqualTo(2);
    Run other = run("shard", "serve", "--port", "0", "--data-dir", dir.resolve("s0").toString(), "--accounts", "8",
        "--opening", "1000", "--shard-index", "0", "--shards", "2");
    assertThat(other.status()).isEqualTo(2);
    assertThat(other.err()).contains("holds shard 0 of 2 with 6 accounts opened with 1000 cents");
    Path file = Files.writeString(dir.resolve("plain"), "not a directory");
    assertOneLine(run("shard", "serve", "--port", "0", "--data-dir", file.toString(), "--shard-index", "0", "--shards", "1"),
        3, file.toString(), "is a file, not a directory");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertOneLine(run("shard", "serve", "--port", Integer.toString(busy.getLocalPort()), "--data-dir", dir.resolve("y").toString(),
          "--shard-index", "0", "--shards", "1"), 3, "cannot listen on 127.0.0.1:" + busy.getLocalPort(), "choose another --port");
    }
  }

  @Test
  void proxyRefusesBadFlagsAndABusyPort() throws IOException {
    Run rate = run("proxy", "--listen", "0", "--target", url(shard0), "--fault-rate", "0.5");
    assertThat(rate.status()).isEqualTo(2);
    assertThat(rate.err()).contains("--fault-rate must be between 0 and 0.25, was 0.5");
    Run target = run("proxy", "--listen", "0", "--target", "localhost:8080");
    assertThat(target.status()).isEqualTo(2);
    assertThat(target.err()).contains("--target must be an http://host:port URL, was localhost:8080");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertOneLine(run("proxy", "--listen", Integer.toString(busy.getLocalPort()), "--target", url(shard0)), 3,
          "cannot listen on", "choose another --listen port");
    }
  }

  @Test
  void everyNewCommandHasHelp() {
    assertThat(run("--help").out()).contains("shard", "proxy");
    assertThat(run("shard", "serve", "--help").out()).contains("--shard-index", "/balances");
    assertThat(run("proxy", "--help").out()).contains("--fault-rate", "--delay-millis");
    assertThat(run("wallet", "--help").out()).contains("--remote");
    assertThat(run("wallet", "recover", "--help").out()).contains("--remote");
  }

  private static HttpResponse<String> http(String method, String url) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
