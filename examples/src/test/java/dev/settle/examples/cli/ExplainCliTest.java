package dev.settle.examples.cli;

import static dev.settle.examples.cli.SettleCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.examples.cli.SettleCliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code explain} on real file logs: a wallet whose accounts open with one cent rolls most
 * transfers back for lack of funds, and each is explained as such, with the branch that refused.
 */
class ExplainCliTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"tcc", "saga", "2pc"})
  void aTransferRolledBackForLackOfFundsIsExplainedAsSuch(String protocol) {
    Path data = dir.resolve(protocol);
    Run wallet = run("wallet", "--protocol", protocol, "--data-dir", data.toString(), "--accounts", "2",
        "--opening", "1", "--transfers", "40", "--json");
    assertThat(wallet.status()).as(wallet.err()).isZero();
    assertThat(wallet.lastLine()).contains("\"rolledBack\":");

    Run rolledBack = run("explain", "--data-dir", data.toString(), "--outcome", "rolled-back", "--limit", "5", "--json");
    assertThat(rolledBack.status()).as(rolledBack.err()).isZero();
    List<String> lines = rolledBack.out().strip().lines().toList();
    assertThat(lines).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    for (String line : lines) {
      assertThat(line)
          .contains("\"protocol\":\"" + protocol + "\"", "\"outcome\":\"rolled-back\"", "\"branches\":[",
              "\"attempts\":")
          .containsPattern("\"reason\":\"[^\"]*insufficient funds");
      if (protocol.equals("2pc")) {
        // The 2PC work threw, not a branch: the reason says so, and no branch is blamed.
        assertThat(line).contains("\"reason\":\"work failed", "\"failedBranch\":null", "\"participant\":\"shard-");
      } else {
        // The branch that refused carries the failure (a saga's steps are served by its definition).
        assertThat(line)
            .contains(protocol.equals("tcc") ? "\"participant\":\"shard-" : "\"participant\":\"transfer\"")
            .containsPattern("\"lastFailure\":\"[^\"]*insufficient funds");
      }
    }

    String id = lines.get(0).replaceAll(".*\"transactionId\":\"([^\"]+)\".*", "$1");
    Run one = run("explain", "--data-dir", data.toString(), id);
    assertThat(one.status()).isZero();
    assertThat(one.out()).contains(id + ": rolled-back (" + protocol, "decision: rollback, because", "insufficient funds");
    if (!protocol.equals("2pc")) {
      assertThat(one.out()).contains("caused the rollback");
    }

    Run committed = run("explain", "--data-dir", data.toString(), "--outcome", "committed", "--json");
    assertThat(committed.status()).isZero();
    committed.out().strip().lines().forEach(line -> assertThat(line)
        .contains("\"outcome\":\"committed\"", "\"reason\":\"\"", "\"finishedBy\":\"settle\"", "\"history\":[{\"state\":")
        .containsPattern("\"durationMillis\":\\d+")
        .doesNotContain("\"endedMillis\":-1"));
  }

  @Test
  void badInputIsOneLineWithTheRightStatus() throws Exception {
    assertThat(run("explain", "--data-dir", dir.toString()).status()).isEqualTo(2); // neither id nor --outcome
    assertThat(run("explain", "--data-dir", dir.toString(), "--outcome", "lost").err()).contains("--outcome must be one of");
    Run noLog = run("explain", "--data-dir", dir.resolve("nothing").toString(), "--outcome", "committed");
    assertThat(noLog.status()).isEqualTo(3);
    assertThat(noLog.err().strip().lines()).hasSize(1).first().asString().contains("no coordinator log in");

    Path data = dir.resolve("w");
    assertThat(run("wallet", "--protocol", "tcc", "--data-dir", data.toString(), "--accounts", "2", "--transfers", "2").status()).isZero();
    Run unknown = run("explain", "--data-dir", data.toString(), "no-such-tx");
    assertThat(unknown.status()).isEqualTo(3);
    assertThat(unknown.err()).contains("no transaction no-such-tx");
    assertThat(Files.exists(data.resolve("log"))).isTrue();
  }

  @Test
  void openingOnAWalletInMemoryIsUsage() {
    Run run = run("wallet", "--protocol", "tcc", "--opening", "5", "--transfers", "1");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--opening needs --data-dir or --store postgres");
  }
}
