package dev.settle.examples.cli;

import dev.settle.examples.files.PgWallet;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The flags of the wallet on a shared PostgreSQL, for {@code wallet} and {@code wallet recover}. */
final class PgOptions {
  @Option(
      names = "--store",
      paramLabel = "postgres",
      description = "Keep shards and the shared coordinator log on a PostgreSQL server, so that"
          + " several wallet processes (each with its own --node) run at once and take over each"
          + " other's unfinished transactions.")
  String store;

  @Option(names = "--jdbc-url", paramLabel = "URL", description = "With --store postgres: the database, e.g. jdbc:postgresql://localhost/wallet.")
  String url;

  @Option(names = "--jdbc-user", paramLabel = "U", description = "With --store postgres: the user.")
  String user;

  @Option(names = "--jdbc-password", paramLabel = "P", description = "With --store postgres: the password.")
  String password;

  @Option(names = "--node", paramLabel = "NAME", description = "With --store postgres: this process's node name, stable across restarts and unique among running processes.")
  String node;

  @Option(
      names = "--lease-seconds",
      paramLabel = "N",
      defaultValue = "30",
      description = "With --store postgres: how long this node's lease lasts; peers take over its"
          + " transactions that long after it dies or pauses (default: ${DEFAULT-VALUE}).")
  int leaseSeconds;

  /** Refuses an incomplete or contradictory set of flags, naming the flag. */
  void check(CommandLine command, boolean dataDirGiven) {
    if (!"postgres".equals(store)) {
      throw new CommandLine.ParameterException(command, "--store must be postgres, was " + store);
    }
    if (dataDirGiven) {
      throw new CommandLine.ParameterException(command, "choose one of --store postgres and --data-dir, not both");
    }
    if (url == null || url.isBlank()) {
      throw new CommandLine.ParameterException(command, "--store postgres needs --jdbc-url (e.g. jdbc:postgresql://localhost/wallet)");
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new CommandLine.ParameterException(command, "--jdbc-url must start with jdbc:postgresql:, was " + url);
    }
    // The node name is also the coordinator's, which goes into every XA branch id: at most 16.
    if (node == null || !node.matches("[A-Za-z0-9._:-]{1,16}")) {
      throw new CommandLine.ParameterException(command, "--store postgres needs --node NAME: 1 to 16 letters, digits"
          + " and . _ : -, unique among running processes" + (node == null ? "" : " (was \"" + node + "\")"));
    }
    if (leaseSeconds < 1 || leaseSeconds > 3600) {
      throw new CommandLine.ParameterException(command, "--lease-seconds must be between 1 and 3600, was " + leaseSeconds);
    }
  }

  Duration lease() {
    return Duration.ofSeconds(leaseSeconds);
  }

  /** Prints the report (JSON with node, lost and takenOver) and returns the exit status. */
  static int print(PgWallet.PgReport report, boolean json) {
    if (json) {
      System.out.println(report.toJson());
      if (!report.wallet().invariantsHold()) {
        System.err.println("INVARIANT BROKEN: " + report.toJson());
        return 1;
      }
      return 0;
    }
    System.out.printf("node %s: %d taken over by peers, %d taken over from peers%n", report.node(), report.lost(), report.takenOver());
    return WalletCommand.print(report.wallet(), false);
  }
}
