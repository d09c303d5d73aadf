package dev.settle.examples.cli;

import static dev.settle.examples.cli.SettleCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.examples.cli.SettleCliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, CLI polish: the version is the POM's, and a usage error is one line that names the
 * problem and points at --help, with exit status 2, instead of the whole usage text.
 */
class SettleCliUsageTest {
  static void assertUsageError(Run run, String command, String... problem) {
    assertThat(run.status()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    assertThat(run.err())
        .startsWith(command + ": ")
        .contains(problem)
        .contains("(try " + command + " --help)")
        .doesNotContain("Usage:");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theVersionIsThePomsVersion() throws IOException {
    Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
        .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(parent.find()).isTrue();
    Run version = run("--version");
    assertThat(version.status()).isZero();
    assertThat(version.out().strip()).isEqualTo("settle-examples " + parent.group(1));
    assertThat(VersionProvider.version()).isEqualTo(parent.group(1));
  }

  @Test
  void anUnknownFlagIsOneLineAndStatusTwo() {
    assertUsageError(run("wallet", "--no-such-flag"), "settle-examples wallet", "Unknown option: '--no-such-flag'");
  }

  @Test
  void aBadValueIsOneLineNamingTheFlag() {
    assertUsageError(run("wallet", "--accounts", "many"), "settle-examples wallet", "--accounts", "'many'");
    assertUsageError(run("wallet", "--protocol", "paxos"), "settle-examples wallet", "unknown protocol \"paxos\"");
  }

  @Test
  void aMissingCommandOrSubcommandProblemNamesItsCommand() {
    assertUsageError(run(), "settle-examples", "name a command: wallet, ledger, shard, proxy or explain");
    assertUsageError(run("wallet", "recover"), "settle-examples wallet recover", "name the wallet to recover");
    assertUsageError(run("ledger", "--commands", "2000000000"), "settle-examples ledger", "--commands must be at most");
  }

  @Test
  void helpStillPrintsTheWholeUsage() {
    Run help = run("wallet", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage:", "--protocol");
  }
}
