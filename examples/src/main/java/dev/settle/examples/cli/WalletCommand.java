package dev.settle.examples.cli;

import dev.settle.examples.files.FileWallet;
import dev.settle.examples.files.PgWallet;
import dev.settle.examples.wallet.Protocol;
import dev.settle.examples.wallet.Story;
import dev.settle.examples.wallet.WalletConfig;
import dev.settle.examples.wallet.WalletReport;
import dev.settle.examples.wallet.WalletRun;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallet}: the story with no flags; a faulty load run with {@code --protocol}. */
@Command(
    name = "wallet",
    mixinStandardHelpOptions = true,
    subcommands = WalletRecoverCommand.class,
    description = {
      "With no flags: move $1 from A to C on each protocol and show every step.",
      "With --protocol: many random transfers with faults and coordinator crashes; then recovery,"
          + " and a check of every invariant (exit status 1 if one fails)."
    })
public final class WalletCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--protocol", paramLabel = "2pc|tcc|saga", description = "How money moves.")
  String protocol;

  @Option(names = "--shards", defaultValue = "4", description = "Storage nodes (default: ${DEFAULT-VALUE}).")
  int shards;

  @Option(names = "--accounts", defaultValue = "100", description = "Accounts (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(
      names = "--opening",
      paramLabel = "CENTS",
      description = "Each account's opening balance in cents, with --data-dir or --store postgres"
          + " (default: 10000). A small one makes transfers fail for lack of funds: see 'explain'.")
  java.lang.@org.jspecify.annotations.Nullable Long opening;

  @Option(names = "--transfers", defaultValue = "10000", description = "Transfers (default: ${DEFAULT-VALUE}).")
  int transfers;

  @Option(names = "--threads", defaultValue = "1", description = "Client threads; 1 replays exactly (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--fault-rate", defaultValue = "0.01", description = "Probability of each fault per call, 0 to 0.2 (default: ${DEFAULT-VALUE}).")
  double faultRate;

  @Option(names = "--crash-every", defaultValue = "0", description = "Crash the coordinator at every K-th log append; 0 never (default: ${DEFAULT-VALUE}).")
  int crashEvery;

  @Option(
      names = "--crash-rate",
      defaultValue = "0",
      description = "Crash the coordinator at each log append with this probability, 0 to 0.5, drawn"
          + " from the seed, so crashes strike every append position (default: ${DEFAULT-VALUE}).")
  double crashRate;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the summary as one JSON line.")
  boolean json;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Keep shards (H2 file databases) and the coordinator log (file log) in DIR, so a"
          + " killed run can be finished by 'wallet recover'. No injected faults: the crash is real.")
  java.nio.file.Path dataDir;

  @CommandLine.Mixin PgOptions pg = new PgOptions();

  @Option(
      names = "--remote",
      paramLabel = "URL,URL,...",
      split = ",",
      description = "Run as the coordinator process of a wallet whose shards are other processes"
          + " ('shard serve', maybe behind a 'proxy'), listed in order of --shard-index; its log is"
          + " in --data-dir. Totals and invariants are judged over every shard's GET /balances.")
  java.util.List<String> remote;

  @Option(
      names = "--wait-seconds",
      defaultValue = "120",
      description = "With --remote: how long to keep recovering, and to wait for shards that are"
          + " down, before reporting what is still unfinished (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Override
  public Integer call() throws Exception {
    checkBounds();
    if (opening != null && dataDir == null && pg.store == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--opening needs --data-dir or --store postgres"
          + (remote != null ? " (remote shards set their own with 'shard serve --opening')" : ""));
    }
    if (remote != null) {
      return onRemote();
    }
    if (pg.store != null) {
      return onPostgres();
    }
    if (dataDir != null) {
      return onFiles();
    }
    if (protocol == null) {
      new Story(System.out).tell();
      return 0;
    }
    WalletConfig config;
    try {
      config = new WalletConfig(Protocol.of(protocol), shards, accounts, transfers, threads, faultRate, crashEvery, crashRate, seed);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    WalletReport report = WalletRun.run(config, line -> System.err.println(line));
    return print(report, json);
  }

  private int onRemote() throws Exception {
    CommandLine command = spec.commandLine();
    java.util.List<java.net.URI> shardUris = RemoteOptions.shards(command, remote);
    if (pg.store != null) {
      throw new CommandLine.ParameterException(command, "choose one of --remote and --store, not both");
    }
    if (dataDir == null || dataDir.toString().isBlank()) {
      throw new CommandLine.ParameterException(command, "--remote needs --data-dir DIR for the coordinator's log");
    }
    for (String flag : new String[] {"--shards", "--accounts"}) {
      if (given(flag)) {
        throw new CommandLine.ParameterException(command, flag + " is not supported with --remote: the shards"
            + " hold the accounts ('shard serve --accounts --shards'), and --remote lists them");
      }
    }
    for (String flag : new String[] {"--fault-rate", "--crash-every", "--crash-rate"}) {
      if (given(flag)) {
        throw new CommandLine.ParameterException(command, flag + " is not supported with --remote (it injects"
            + " no faults itself: put a 'proxy' in front of each shard, and kill processes instead)");
      }
    }
    if (threads < 1 || transfers < 0) {
      throw new CommandLine.ParameterException(command, threads < 1
          ? "--threads must be at least 1, was " + threads : "--transfers must not be negative, was " + transfers);
    }
    if (waitSeconds < 1 || waitSeconds > 86_400) {
      throw new CommandLine.ParameterException(command, "--wait-seconds must be between 1 and 86400, was " + waitSeconds);
    }
    Protocol chosen = null;
    if (protocol != null) {
      try {
        chosen = Protocol.of(protocol);
      } catch (IllegalArgumentException bad) {
        throw new CommandLine.ParameterException(command, bad.getMessage());
      }
    }
    dev.settle.examples.remote.RemoteWallet wallet;
    try {
      wallet = dev.settle.examples.remote.RemoteWallet.open(dataDir, chosen, shardUris, java.time.Duration.ofSeconds(Math.min(10, waitSeconds)));
    } catch (dev.settle.examples.remote.RemoteSettingsException bad) {
      throw new CommandLine.ParameterException(command, bad.getMessage());
    }
    try (wallet) {
      return RemoteOptions.print(
          wallet.run(transfers, threads, seed, java.time.Duration.ofSeconds(waitSeconds), line -> System.err.println(line)), json);
    }
  }

  private int onFiles() throws Exception {
    Protocol chosen;
    try {
      chosen = Protocol.of(protocol == null ? "tcc" : protocol);
      new WalletConfig(chosen, shards, accounts, transfers, threads, 0, 0, seed);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    if (dataDir.toString().isBlank()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--data-dir must name a directory, was empty");
    }
    // The run on files injects no faults (its crashes are real ones: kill the process): refuse
    // what it cannot honour rather than ignore it.
    unsupported("--fault-rate", faultRate != 0);
    unsupported("--crash-every", crashEvery != 0);
    unsupported("--crash-rate", crashRate != 0);
    java.util.Optional<FileWallet.Settings> existing = FileWallet.settings(dataDir);
    if (existing.isPresent()) {
      FileWallet.Settings was = existing.get();
      mismatch("--protocol", chosen.flag(), was.protocol().flag());
      mismatch("--shards", Integer.toString(shards), Integer.toString(was.shards()));
      mismatch("--accounts", Integer.toString(accounts), Integer.toString(was.accounts()));
      if (opening != null) {
        mismatch("--opening", Long.toString(opening), Long.toString(was.opening()));
      }
    }
    try (FileWallet wallet = FileWallet.open(dataDir, chosen, shards, accounts, openingCents())) {
      wallet.recover(); // finish whatever an earlier, killed run left
      return print(wallet.run(transfers, threads, seed, line -> System.err.println(line)), json);
    }
  }

  /** The opening balance asked for, checked, or the default. */
  private long openingCents() {
    long cents = opening == null ? WalletConfig.OPENING_CENTS : opening;
    if (cents < 0 || cents > 1_000_000_000_000L) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--opening must be 0 to 10^12 cents, was " + cents);
    }
    return cents;
  }

  private int onPostgres() throws Exception {
    Protocol chosen;
    try {
      chosen = Protocol.of(protocol == null ? "tcc" : protocol);
      new WalletConfig(chosen, shards, accounts, transfers, threads, 0, 0, seed);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    pg.check(spec.commandLine(), dataDir != null);
    for (String flag : new String[] {"--fault-rate", "--crash-every", "--crash-rate"}) {
      if (given(flag)) {
        throw new CommandLine.ParameterException(spec.commandLine(), flag + " is not supported with --store postgres"
            + " (it injects no faults; kill or pause the processes instead)");
      }
    }
    java.util.Optional<FileWallet.Settings> existing = PgWallet.existing(pg.url, pg.user, pg.password);
    if (existing.isPresent()) {
      FileWallet.Settings was = existing.get();
      pgMismatch("--protocol", chosen.flag(), was.protocol().flag());
      pgMismatch("--shards", Integer.toString(shards), Integer.toString(was.shards()));
      pgMismatch("--accounts", Integer.toString(accounts), Integer.toString(was.accounts()));
    }
    FileWallet.Settings wanted = new FileWallet.Settings(chosen, shards, accounts, openingCents());
    try (PgWallet wallet = PgWallet.open(pg.url, pg.user, pg.password, pg.node, pg.lease(), wanted, threads)) {
      PgWallet.PgReport report = wallet.run(transfers, threads, seed, line -> System.err.println(line));
      return PgOptions.print(report, json);
    }
  }

  private void pgMismatch(String flag, String asked, String was) {
    if (given(flag) && !asked.equals(was)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "the wallet on " + pg.url + " was created with "
          + flag + " " + was + "; omit " + flag + " to join it (asked for " + asked + ")");
    }
  }

  /** Injected faults in words rather than a record's toString. */
  static String faults(dev.settle.testkit.FaultStats f) {
    return String.format("faults: %d failed, %d timed out, %d duplicated, %d delayed, %d cancels before their try,"
        + " %d participant restarts", f.failed(), f.timedOut(), f.duplicated(), f.delayed(), f.cancelBeforeTry(), f.restarts());
  }

  private void unsupported(String flag, boolean differs) {
    if (given(flag) && differs) {
      throw new CommandLine.ParameterException(spec.commandLine(), flag + " is not supported with --data-dir"
          + " (the run on files uses one thread, injects no faults and crashes only when you kill it)");
    }
  }

  private boolean given(String flag) {
    return spec.commandLine().getParseResult().hasMatchedOption(flag);
  }

  /** An existing directory keeps its settings; a flag that asks for others is refused. */
  private void mismatch(String flag, String asked, String was) {
    if (given(flag) && !asked.equals(was)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "data directory " + dataDir + " holds a wallet with "
          + flag + " " + was + "; omit " + flag + " or choose another --data-dir (asked for " + asked + ")");
    }
  }

  /** Sane upper bounds, so a typo fails at once instead of running for hours or out of memory. */
  private void checkBounds() {
    bound("--shards", shards, 64);
    bound("--accounts", accounts, 1_000_000);
    bound("--transfers", transfers, 100_000_000);
    bound("--threads", threads, 1_024);
  }

  private void bound(String flag, long value, long max) {
    if (value > max) {
      throw new CommandLine.ParameterException(spec.commandLine(), flag + " must be at most " + max + ", was " + value);
    }
  }

  /** Prints a report and returns the exit status: 1 if an invariant broke. */
  static int print(WalletReport report, boolean json) {
    return print(report, json, true);
  }

  /** As {@link #print(WalletReport, boolean)}, printing the human summary only if {@code summary}. */
  static int print(WalletReport report, boolean json, boolean summary) {
    if (json) {
      System.out.println(report.toJson());
    } else if (summary) {
      System.out.printf(
          "%s: %d transfers, %d committed, %d rolled back, %d in doubt; total %d -> %d cents; "
              + "%d negative balances, %d hanging reservations; %d crashes, %d recoveries; %s; %d ms%n",
          report.protocol(), report.transfers(), report.committed(), report.rolledBack(), report.inDoubt(),
          report.totalBefore(), report.totalAfter(), report.negativeBalances(), report.hangingReservations(),
          report.crashes(), report.recoveries(), faults(report.faults()), report.elapsedMillis());
    }
    if (!report.invariantsHold()) {
      System.err.println("INVARIANT BROKEN: " + report.toJson());
      return 1;
    }
    return 0;
  }
}
