package dev.settle.examples.cli;

import dev.settle.examples.ledger.LedgerRun;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ledger}: the event-sourced ledger, replayed and checked against its read model. */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = {
      "Random transfer commands into the event-sourced ledger (some invalid on purpose); then replay"
          + " at sampled points and compare with the live history and the CQRS read model."
    })
public final class LedgerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--accounts", defaultValue = "100", description = "Accounts (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--commands", defaultValue = "100000", description = "Commands (default: ${DEFAULT-VALUE}).")
  int commands;

  @Option(names = "--snapshot-every", defaultValue = "1000", description = "Snapshot the state every N events (default: ${DEFAULT-VALUE}).")
  int snapshotEvery;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print the summary as one JSON line.")
  boolean json;

  private void bound(String flag, long value, long max) {
    if (value > max) {
      throw new CommandLine.ParameterException(spec.commandLine(), flag + " must be at most " + max + ", was " + value);
    }
  }

  @Override
  public Integer call() {
    LedgerRun.Report report;
    // The ledger keeps every event in memory: bound the inputs so a typo fails at once with a
    // sentence, not minutes later with an OutOfMemoryError.
    bound("--accounts", accounts, 1_000_000);
    bound("--commands", commands, 5_000_000);
    try {
      report = LedgerRun.run(accounts, commands, snapshotEvery, seed);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    if (json) {
      System.out.println(report.toJson());
    } else {
      System.out.printf(
          "ledger: %d commands, %d events, %d rejected; replay %s, read model %s over %d points;"
              + " %d commands/s, replay %d events/s%n",
          report.commands(), report.events(), report.rejected(),
          report.replayMatches() ? "matches" : "DIFFERS", report.readModelMatches() ? "matches" : "DIFFERS",
          report.historicalChecks(), report.commandsPerSecond(), report.replayEventsPerSecond());
    }
    return report.replayMatches() && report.readModelMatches() ? 0 : 1;
  }
}
