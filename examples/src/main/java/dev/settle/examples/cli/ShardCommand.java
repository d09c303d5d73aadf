package dev.settle.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shard}: a shard of the distributed wallet as its own process ({@code shard serve}). */
@Command(
    name = "shard",
    mixinStandardHelpOptions = true,
    subcommands = ShardServeCommand.class,
    description = "A shard of the distributed wallet as its own process; see 'shard serve'.")
public final class ShardCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: serve");
  }
}
