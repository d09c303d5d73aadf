package dev.settle.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SettleCliTest {
  /** Runs the CLI, returning its exit status and what it printed on stdout. */
  record Run(int status, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int status = SettleCli.execute(args);
      return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void theStoryMovesOneDollarOnEveryProtocolAndShowsTheCancelBeforeTry() {
    Run run = run("wallet");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("== 2PC ==", "== TCC ==", "== SAGA ==")
        .contains("A=$99.00  C=$1.00")
        .contains("CANCELLED_BEFORE_TRY")
        .contains("refused by the fence");
  }

  @Test
  void aLoadRunEndsWithOneJsonLine() {
    Run run = run("wallet", "--protocol", "tcc", "--transfers", "500", "--fault-rate", "0.05", "--crash-every", "9", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.lastLine())
        .startsWith("{\"protocol\":\"tcc\",\"transfers\":500,")
        .contains("\"inDoubt\":0", "\"negativeBalances\":0", "\"hangingReservations\":0", "\"cancelBeforeTry\":")
        .endsWith("}");
  }

  @Test
  void badFlagsExitWithTwoAndSayWhy() {
    Run unknown = run("wallet", "--protocol", "paxos");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown protocol \"paxos\"").doesNotContain("Usage:");
    assertThat(run("wallet", "--no-such-flag").status()).isEqualTo(2);
    assertThat(run("wallet", "--protocol", "2pc", "--threads", "0").err()).contains("--threads must be at least 1");
    assertThat(run().status()).isEqualTo(2);
  }

  @Test
  void everyCommandHasHelp() {
    assertThat(run("wallet", "--help").out()).contains("--protocol", "--crash-every");
    assertThat(run("--help").out()).contains("wallet", "ledger");
  }
}
