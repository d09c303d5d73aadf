package dev.settle.examples.cli;

import dev.settle.examples.files.FileWallet;
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

  @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "The run's data directory.")
  Path dataDir;

  @Option(names = "--json", description = "Print the summary as one JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    FileWallet wallet;
    try {
      wallet = FileWallet.reopen(dataDir);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    try (wallet) {
      return WalletCommand.print(wallet.recover(), json);
    }
  }
}
