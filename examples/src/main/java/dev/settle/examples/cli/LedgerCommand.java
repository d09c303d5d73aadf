package dev.settle.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ledger}: placeholder replaced with the event-sourced ledger run. */
@Command(name = "ledger", mixinStandardHelpOptions = true, description = "The event-sourced ledger.")
public final class LedgerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return 0;
  }
}
