package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.testsupport.ThrowawayPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Boot service killed with {@code kill -9} in the middle of a transfer (decided, the credit's
 * confirm still running) is finished by the next start of the service: the starter recovers at
 * start-up, before the application takes traffic. Once on H2 files with the file log, once on
 * PostgreSQL with the shared JDBC log.
 */
class KilledContextRecoveryTest {
  @Test
  void aTransferLeftByAKilledServiceOnFilesIsFinishedAtTheNextStart(@TempDir Path dir) throws Exception {
    List<String> properties =
        List.of(
            "spring.datasource.url=jdbc:h2:file:" + dir.resolve("bank") + ";FILE_LOCK=FS;WRITE_DELAY=0",
            "settle.log.type=file",
            "settle.log.dir=" + dir.resolve("settle-log"));
    killMidTransferThenRestart(properties);
  }

  @Test
  void aTransferLeftByAKilledServiceOnPostgresIsFinishedAtTheNextStart() throws Exception {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    String url = pg.database("settle_boot_killed");
    List<String> properties =
        List.of(
            "spring.datasource.url=" + url,
            "spring.datasource.username=" + pg.user(),
            "spring.datasource.password=" + pg.password(),
            "settle.log.type=jdbc",
            "settle.log.create-schema=true",
            "settle.node-name=boot-killed");
    killMidTransferThenRestart(properties);
  }

  private static void killMidTransferThenRestart(List<String> properties) throws Exception {
    List<String> common = new ArrayList<>(properties);
    common.add("settle.fence.create-schema=true");
    common.add("settle.recovery.interval=0s");
    common.add("spring.main.banner-mode=off");

    Process child = child(common);
    String transaction;
    try {
      transaction = awaitConfirming(child);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no lease released, no log closed
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(transaction).as("the child reached the credit's confirm").isNotEmpty();

    try (ConfigurableApplicationContext restarted =
        new SpringApplicationBuilder(BankApp.class).properties(common.toArray(String[]::new)).run()) {
      Bank bank = restarted.getBean(Bank.class);
      assertThat(bank.account("a")).as("a: balance, reserved, pending").containsExactly(900, 0, 0);
      assertThat(bank.account("b")).as("b: balance, reserved, pending").containsExactly(100, 0, 0);
      assertThat(bank.fenceRows("T")).isZero();
      assertThat(bank.fenceRows("C")).isEqualTo(2);
      assertThat(restarted.getBean(SettleHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
      assertThat((List<?>) restarted.getBean(SettleEndpoint.class).unfinished().get("unfinished")).isEmpty();
    }
  }

  private static Process child(List<String> properties) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.add("-D" + Bank.HANG_CREDIT_CONFIRM + "=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BankApp.class.getName());
    properties.forEach(p -> command.add("--" + p));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** The id of the transaction whose credit confirm the child reached, or "" if it never did. */
  private static String awaitConfirming(Process child) throws Exception {
    CompletableFuture<String> confirming =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              try (BufferedReader out =
                  new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  if (line.startsWith("CONFIRMING ")) {
                    return line.substring("CONFIRMING ".length());
                  }
                  seen.append(line).append('\n');
                }
              } catch (java.io.IOException e) {
                return "";
              }
              throw new IllegalStateException("the child ended before confirming:\n" + seen);
            });
    return confirming.get(90, TimeUnit.SECONDS);
  }
}
