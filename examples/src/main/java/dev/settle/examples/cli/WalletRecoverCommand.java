package dev.settle.examples.cli;

import dev.settle.examples.files.FileWallet;
import dev.settle.examples.files.PgWallet;
import dev.settle.examples.wallet.WalletReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallet recover}: finishes what a killed {@code wallet --data-dir} run left. */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description = {
      "Open the data directory of a killed run, recover and finish every unfinished transaction,"
          + " check the invariants over all accounts and print the summary; 'recovered' counts the"
          + " transactions this recovery finished."
    })
public final class WalletRecoverCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The run's data directory (or --store postgres).")
  Path dataDir;

  @Option(names = "--json", description = "Print the summary as one JSON line.")
  boolean json;

  @CommandLine.Mixin PgOptions pg = new PgOptions();

  @Option(
      names = "--wait-seconds",
      defaultValue = "120",
      description = "With --store postgres: how long to wait for dead peers' leases to run out"
          + " before reporting what is still unfinished; with --remote: how long to keep recovering"
          + " while shards are down (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(
      names = "--remote",
      paramLabel = "URL,URL,...",
      split = ",",
      description = "The shards of a 'wallet --remote' coordinator whose log is in --data-dir, in order"
          + " of --shard-index; --wait-seconds bounds the wait for shards that are down.")
  java.util.List<String> remote;

  @Override
  public Integer call() throws Exception {
    if (remote != null) {
      java.util.List<java.net.URI> shards = RemoteOptions.shards(spec.commandLine(), remote);
      if (pg.store != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose one of --remote and --store, not both");
      }
      if (dataDir == null || dataDir.toString().isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--remote needs --data-dir DIR, the coordinator's directory");
      }
      if (waitSeconds < 1 || waitSeconds > 86_400) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--wait-seconds must be between 1 and 86400, was " + waitSeconds);
      }
      dev.settle.examples.remote.RemoteWallet wallet;
      try {
        wallet = dev.settle.examples.remote.RemoteWallet.reopen(dataDir, shards, java.time.Duration.ofSeconds(Math.min(10, waitSeconds)));
      } catch (dev.settle.examples.remote.RemoteSettingsException bad) {
        throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
      }
      try (wallet) {
        return RemoteOptions.print(wallet.recover(java.time.Duration.ofSeconds(waitSeconds)), json);
      }
    }
    if (pg.store != null) {
      pg.check(spec.commandLine(), dataDir != null);
      try (PgWallet wallet = PgWallet.reopen(pg.url, pg.user, pg.password, pg.node, pg.lease())) {
        return PgOptions.print(wallet.recover(java.time.Duration.ofSeconds(waitSeconds)), json);
      }
    }
    if (dataDir == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "name the wallet to recover: --data-dir DIR or --store postgres");
    }
    try (FileWallet wallet = FileWallet.reopen(dataDir)) {
      WalletReport report = wallet.recover();
      if (json) {
        return WalletCommand.print(report, true);
      }
      System.out.println(summary(report, dataDir));
      return WalletCommand.print(report, json, false);
    }
  }

  /** What recovery did, for a person: no transfer counts (it runs none), no fault statistics. */
  static String summary(WalletReport report, Path dataDir) {
    long finished = report.recovered();
    return String.format(
        "recovered the %s wallet in %s: finished %d unfinished transaction%s, %d still unfinished;"
            + " total %d cents before, %d after; %d negative balances, %d hanging reservations; %s (%d ms)",
        report.protocol(), dataDir, finished, finished == 1 ? "" : "s", report.inDoubt(),
        report.totalBefore(), report.totalAfter(), report.negativeBalances(), report.hangingReservations(),
        report.invariantsHold() ? "every invariant holds" : "AN INVARIANT IS BROKEN", report.elapsedMillis());
  }
}
