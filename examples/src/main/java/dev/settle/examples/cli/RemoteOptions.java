package dev.settle.examples.cli;

import dev.settle.examples.remote.RemoteReport;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** What {@code wallet --remote} and {@code wallet recover --remote} share. */
final class RemoteOptions {
  private RemoteOptions() {}

  /** The shard URLs, each {@code http://host:port} (a trailing slash is dropped); a bad one is a usage error. */
  static List<URI> shards(CommandLine command, List<String> remote) {
    List<URI> shards = new ArrayList<>();
    for (String text : remote) {
      String trimmed = text.strip();
      trimmed = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
      URI uri;
      try {
        uri = URI.create(trimmed);
      } catch (IllegalArgumentException bad) {
        throw new CommandLine.ParameterException(command, "--remote takes http://host:port URLs separated by commas; \"" + text + "\" is not one");
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0
          || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
        throw new CommandLine.ParameterException(command, "--remote takes http://host:port URLs separated by commas; \"" + text + "\" is not one");
      }
      if (shards.contains(uri)) {
        throw new CommandLine.ParameterException(command, "--remote names " + uri + " twice; list each shard once, in order of --shard-index");
      }
      shards.add(uri);
    }
    if (shards.isEmpty() || shards.size() > 64) {
      throw new CommandLine.ParameterException(command, "--remote must name 1 to 64 shards, named " + shards.size());
    }
    return shards;
  }

  /** Prints the report and returns the exit status: 1 if an invariant broke. */
  static int print(RemoteReport report, boolean json) {
    if (json) {
      System.out.println(report.toJson());
    } else {
      dev.settle.examples.wallet.WalletReport w = report.wallet();
      // No fault statistics: the faults are the proxies' (each prints its own when stopped).
      System.out.printf(
          "%s over %d shards: %d transfers, %d committed, %d rolled back, %d in doubt; total %d -> %d cents;"
              + " %d negative balances, %d hanging reservations; %d finished by recovery; checked %d reported"
              + " outcomes against the shards' fence records: %d contradicted; %d ms%n",
          w.protocol(), report.shards(), w.transfers(), w.committed(), w.rolledBack(), w.inDoubt(), w.totalBefore(),
          w.totalAfter(), w.negativeBalances(), w.hangingReservations(), w.recovered(), report.checked(),
          report.untruthful(), w.elapsedMillis());
    }
    if (!report.invariantsHold()) {
      System.err.println("INVARIANT BROKEN: " + report.toJson());
      return 1;
    }
    return 0;
  }
}
