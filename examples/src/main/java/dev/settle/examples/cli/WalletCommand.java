package dev.settle.examples.cli;

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

  @Option(names = "--transfers", defaultValue = "10000", description = "Transfers (default: ${DEFAULT-VALUE}).")
  int transfers;

  @Option(names = "--threads", defaultValue = "1", description = "Client threads; 1 replays exactly (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--fault-rate", defaultValue = "0.01", description = "Probability of each fault per call, 0 to 0.2 (default: ${DEFAULT-VALUE}).")
  double faultRate;

  @Option(names = "--crash-every", defaultValue = "0", description = "Crash the coordinator at every K-th log append; 0 never (default: ${DEFAULT-VALUE}).")
  int crashEvery;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the summary as one JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (protocol == null) {
      new Story(System.out).tell();
      return 0;
    }
    WalletConfig config;
    try {
      config = new WalletConfig(Protocol.of(protocol), shards, accounts, transfers, threads, faultRate, crashEvery, seed);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    WalletReport report = WalletRun.run(config, line -> System.err.println(line));
    if (json) {
      System.out.println(report.toJson());
    } else {
      System.out.printf(
          "%s: %d transfers, %d committed, %d rolled back, %d in doubt; total %d -> %d cents; "
              + "%d negative balances, %d hanging reservations; %d crashes, %d recoveries; %s; %d ms%n",
          report.protocol(), report.transfers(), report.committed(), report.rolledBack(), report.inDoubt(),
          report.totalBefore(), report.totalAfter(), report.negativeBalances(), report.hangingReservations(),
          report.crashes(), report.recoveries(), report.faults(), report.elapsedMillis());
    }
    if (!report.invariantsHold()) {
      System.err.println("INVARIANT BROKEN: " + report.toJson());
      return 1;
    }
    return 0;
  }
}
