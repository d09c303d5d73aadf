package dev.settle.examples.cli;

import static dev.settle.examples.cli.SettleCliErrorsTest.assertOneLine;
import static dev.settle.examples.cli.SettleCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.examples.cli.SettleCliTest.Run;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The wallet on PostgreSQL refuses what it cannot honour and names an unreachable server. */
class PgCliErrorsTest {
  @Test
  void aNodeNameTooLongForAnXaBranchIdIsUsage() {
    Run run = run("wallet", "--protocol", "2pc", "--store", "postgres", "--jdbc-url",
        "jdbc:postgresql://127.0.0.1:1/w", "--node", "a-node-name-of-17");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err().lines().findFirst()).hasValueSatisfying(
        line -> assertThat(line).contains("--node NAME: 1 to 16 letters", "(was \"a-node-name-of-17\")"));
  }

  @Test
  void aMissingNodeNameIsUsage() {
    Run run = run("wallet", "--protocol", "tcc", "--store", "postgres", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/w");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--store postgres needs --node NAME");
  }

  @Test
  void anUnreachableServerIsOneLineAndStatusThree() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // closed again: nothing listens there
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/wallet";
    assertOneLine(run("wallet", "--protocol", "tcc", "--store", "postgres", "--jdbc-url", url, "--node", "n1"),
        3, "cannot connect to PostgreSQL at " + url);
    assertOneLine(run("wallet", "recover", "--store", "postgres", "--jdbc-url", url, "--node", "n1"),
        3, "cannot connect to PostgreSQL at " + url);
  }
}
