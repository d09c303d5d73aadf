package dev.settle.examples.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 on real files in a child JVM: a wallet whose log was damaged after it stopped is
 * refused by 'wallet recover' in one line with exit status 3, and nothing in the log directory
 * changes; once the damage is undone, recovery finishes with every invariant.
 */
class DamagedLogChildTest {
  @TempDir Path dir;

  @Test
  void aDamagedLogIsRefusedInOneLineAndLeftAsItWas() throws Exception {
    Path data = dir.resolve("wallet");
    Result setUp = child("wallet", "--protocol", "tcc", "--data-dir", data.toString(), "--accounts", "8", "--transfers", "50");
    assertThat(setUp.status()).as(setUp.err()).isZero();
    Path log = data.resolve("log");
    Path segment = log.resolve("segment-000000000001.log");
    byte[] good = Files.readAllBytes(segment);

    Path newer = log.resolve("segment-000000000002.log");
    Files.write(newer, new byte[0]); // an empty newer segment: a partial restore, say
    assertRefused(data, log, newer.toString());
    Files.delete(newer);

    byte[] flipped = good.clone();
    flipped[28 + 16 + 3] ^= 0x10; // inside the first of many records
    Files.write(segment, flipped);
    assertRefused(data, log, "damaged in the middle");
    Files.write(segment, good);

    Result recover = child("wallet", "recover", "--data-dir", data.toString(), "--json");
    assertThat(recover.status()).as(recover.err()).isZero();
    assertThat(recover.out()).contains("\"inDoubt\":0", "\"totalBefore\":80000,\"totalAfter\":80000");
  }

  private void assertRefused(Path data, Path log, String contains) throws Exception {
    Map<String, byte[]> before = files(log);
    Result refused = child("wallet", "recover", "--data-dir", data.toString());
    assertThat(refused.status()).as(refused.err()).isEqualTo(3);
    assertThat(refused.err().strip().lines()).as(refused.err()).hasSize(1);
    assertThat(refused.err()).contains(contains).doesNotContain("\tat ");
    Map<String, byte[]> after = files(log);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
  }

  private static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  record Result(int status, String out, String err) {}

  private static Result child(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.settle.examples.cli.SettleCli");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    // stderr is small (one line, or a few log lines); read it after stdout
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, err);
  }
}
