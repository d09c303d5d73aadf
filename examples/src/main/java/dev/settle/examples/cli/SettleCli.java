package dev.settle.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code settle-examples} command line. */
@Command(
    name = "settle-examples",
    mixinStandardHelpOptions = true,
    version = "settle-examples 0.1.0-SNAPSHOT",
    description = "Settle's examples: the sharded wallet and the event-sourced ledger.",
    subcommands = {WalletCommand.class, LedgerCommand.class})
public final class SettleCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its status: 0 ok, 1 an invariant failed, 2 bad usage. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit status. */
  public static int execute(String... args) {
    return new CommandLine(new SettleCli()).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: wallet or ledger");
  }
}
