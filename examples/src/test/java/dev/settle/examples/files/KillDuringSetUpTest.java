package dev.settle.examples.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression for issue 14, defect 4, with a real SIGKILL: a wallet killed during its first-time
 * set-up left a directory that could never be used (a rerun hit duplicate keys, and 'recover' said
 * "no wallet"). Now the next process finishes the set-up.
 */
class KillDuringSetUpTest {
  @TempDir Path dir;

  @Test
  void aWalletKilledDuringSetUpIsFinishedByTheNextProcess() throws Exception {
    Path data = dir.resolve("wallet");
    Process first = child("wallet", "--protocol", "tcc", "--data-dir", data.toString(),
        "--accounts", "20000", "--shards", "2", "--transfers", "0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // The shard databases exist once set-up is under way (whatever bookkeeping it does first).
    while (!Files.exists(data.resolve("shard-1.mv.db")) && !Files.exists(data.resolve("wallet.properties"))) {
      assertThat(System.nanoTime()).as("set-up never started").isLessThan(deadline);
      Thread.sleep(5);
    }
    first.destroyForcibly(); // SIGKILL during set-up
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Assumptions.assumeFalse(Files.exists(data.resolve("wallet.properties")), "set-up finished before the kill");

    Process recover = child("wallet", "recover", "--data-dir", data.toString(), "--json");
    String out = new String(recover.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(recover.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(recover.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(recover.exitValue()).as("recover after a killed set-up:%n%s%n%s", out, err).isZero();
    assertThat(out).contains("\"inDoubt\":0", "\"totalBefore\":200000000,\"totalAfter\":200000000");
    assertThat(data.resolve("wallet.properties")).exists();
  }

  private static Process child(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.settle.examples.cli.SettleCli");
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }
}
