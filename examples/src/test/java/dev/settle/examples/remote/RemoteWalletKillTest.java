package dev.settle.examples.remote;

import static dev.settle.examples.remote.Children.get;
import static dev.settle.examples.remote.Children.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.examples.remote.Children.Child;
import dev.settle.examples.wallet.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The distributed wallet as separate processes on loopback: two shards ({@code shard serve}), a
 * fault proxy in front of each ({@code proxy}: requests and answers lost, calls held past the
 * timeout so Cancels overtake Tries, calls delivered twice), and a coordinator ({@code wallet
 * --remote}), each a child JVM.
 *
 * <ol>
 *   <li>A coordinator runs transfers while shard 1 is killed with SIGKILL and restarted on its
 *       directory; it finishes and reports, and every outcome it reported must be what the shards'
 *       fence records say was applied.
 *   <li>A second coordinator run is killed with SIGKILL mid-run; {@code wallet recover --remote}
 *       finishes what it left.
 * </ol>
 *
 * After each, money is conserved over both shards, nothing is in doubt, no account is negative
 * and no reservation is left.
 */
class RemoteWalletKillTest {
  private static final int ACCOUNTS = 12;
  private static final long OPENING = 10_000;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(value = Protocol.class, names = {"TCC", "SAGA"})
  void killedShardsAndCoordinatorsLoseNothingThroughAFaultyNetwork(Protocol protocol) throws Exception {
    try (Children children = new Children(dir)) {
      List<Child> shards = new ArrayList<>();
      List<Integer> shardPorts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        shards.add(shard(children, i, 0));
      }
      for (Child s : shards) {
        shardPorts.add(s.port());
      }
      // A second process on a shard's directory is refused: one line, exit status 3.
      Child intruder = shard(children, 0, 0);
      assertThat(intruder.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(intruder.process().exitValue()).as(intruder.err()).isEqualTo(3);
      assertThat(intruder.err().strip()).contains("is in use by another process").doesNotContain("\n");
      List<String> proxies = new ArrayList<>();
      List<Child> proxyProcesses = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Child proxy = children.start("proxy-" + i, "proxy", "--listen", "0", "--target", "http://127.0.0.1:" + shardPorts.get(i),
            "--fault-rate", "0.03", "--delay-millis", "1500", "--seed", Integer.toString(11 + i));
        proxies.add("http://127.0.0.1:" + proxy.port());
        proxyProcesses.add(proxy);
      }
      String remote = String.join(",", proxies);
      String shard1 = "http://127.0.0.1:" + shardPorts.get(1);
      Path coordinator = dir.resolve("coordinator");

      // 1. Shard 1 dies with transfers in flight and comes back on its directory and port.
      Child run = children.start("wallet-1", "wallet", "--protocol", protocol.flag(), "--remote", remote,
          "--data-dir", coordinator.toString(), "--transfers", "150", "--threads", "4", "--seed", "1", "--json");
      long before = awaitBranches(shard1, protocol, 20, run);
      shards.get(1).kill();
      Thread.sleep(500); // calls fail meanwhile: unknown outcomes, cancels and retries pile up
      restart(children, 1, shardPorts.get(1));
      String first = run.finish(240);
      assertInvariants(first);
      assertThat(number(first, "transfers")).isEqualTo(150);
      assertThat(number(first, "committed")).isPositive();
      assertThat(number(first, "checked")).isEqualTo(150);

      // 2. The coordinator dies with transfers in flight; recovery finishes them.
      Child doomed = children.start("wallet-2", "wallet", "--remote", remote, "--data-dir", coordinator.toString(),
          "--transfers", "1000000", "--threads", "4", "--seed", "2", "--json");
      long atStart = branches(shard1, protocol);
      awaitBranches(shard1, protocol, atStart + 30, doomed);
      doomed.kill();
      Child recover = children.start("recover", "wallet", "recover", "--remote", remote, "--data-dir", coordinator.toString(), "--json");
      String recovered = recover.finish(240);
      assertInvariants(recovered);
      assertThat(number(recovered, "transfers")).isZero();
      assertThat(number(recovered, "recovered")).as("the coordinator died with nothing in flight: %s", recovered).isPositive();

      // The faults really happened: each proxy says what it did when stopped (SIGTERM).
      StringBuilder faults = new StringBuilder();
      for (Child proxy : proxyProcesses) {
        proxy.process().destroy();
        assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        faults.append(proxy.err().strip()).append("; ");
      }
      for (String fault : List.of("dropRequest", "dropResponse", "delay", "duplicate")) {
        assertThat(count(faults.toString(), fault)).as("%s in %s", fault, faults).isPositive();
      }

      System.err.printf("%s: shard 1 killed after %d branch records, run reported %s; coordinator killed, recover reported %s; proxies: %s%n",
          protocol.flag(), before, first, recovered, faults);
    }
  }

  /** The sum of {@code name=N} over every proxy's report. */
  private static long count(String reports, String name) {
    java.util.regex.Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(reports);
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /**
   * Restarts shard {@code index} on its directory and port. The kernel may hold the port a moment
   * after the kill; a start that could not bind it (exit 3, "cannot listen") is tried again.
   */
  private void restart(Children children, int index, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Child shard = shard(children, index, port);
      Pattern listening = Pattern.compile("listening on (\\d+)");
      while (!listening.matcher(shard.out()).find() && shard.process().isAlive()) {
        assertThat(System.nanoTime()).as("the restarted shard never listened: %s", shard.err()).isLessThan(deadline);
        Thread.sleep(50);
      }
      if (listening.matcher(shard.out()).find()) {
        assertThat(shard.port()).isEqualTo(port);
        return;
      }
      assertThat(shard.err()).as("the restarted shard failed").contains("cannot listen");
      assertThat(System.nanoTime()).as("port %d never came free: %s", port, shard.err()).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private Child shard(Children children, int index, int port) throws Exception {
    Path data = dir.resolve("shard-" + index);
    Files.createDirectories(data);
    return children.start("shard-" + index, "shard", "serve", "--port", Integer.toString(port), "--data-dir", data.toString(),
        "--accounts", Integer.toString(ACCOUNTS), "--opening", Long.toString(OPENING), "--shard-index", Integer.toString(index),
        "--shards", "2");
  }

  private static void assertInvariants(String json) {
    assertThat(json).contains("\"inDoubt\":0", "\"negativeBalances\":0", "\"hangingReservations\":0", "\"untruthful\":0");
    assertThat(number(json, "totalAfter")).as(json).isEqualTo(number(json, "totalBefore")).isEqualTo(ACCOUNTS * OPENING);
  }

  /** Fence or barrier records on the shard (read directly, not through its proxy). */
  private static long branches(String shard, Protocol protocol) {
    String json = get(shard + "/branches");
    return json == null ? -1 : RemoteWallet.branchStates(json, protocol == Protocol.SAGA ? "saga" : "tcc").size();
  }

  private static long awaitBranches(String shard, Protocol protocol, long atLeast, Child coordinator) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      long n = branches(shard, protocol);
      if (n >= atLeast) {
        return n;
      }
      assertThat(coordinator.process().isAlive()).as("the coordinator exited early: %s%n%s", coordinator.out(), coordinator.err()).isTrue();
      assertThat(System.nanoTime()).as("the coordinator never got going: %s", coordinator.err()).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
