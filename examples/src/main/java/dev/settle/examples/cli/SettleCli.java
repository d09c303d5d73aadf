package dev.settle.examples.cli;

import dev.settle.core.TransactionLogException;
import dev.settle.examples.files.DataDirectoryException;
import dev.settle.examples.remote.RemoteWalletException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code settle-examples} command line. */
@Command(
    name = "settle-examples",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Settle's examples: the sharded wallet (in one process, or as shard and proxy processes over HTTP) and the event-sourced ledger.",
    footer = {
      "",
      "Exit status: 0 ok; 1 an invariant broke (or an internal error); 2 bad usage;"
          + " 3 the environment or the data directory is unusable."
    },
    subcommands = {WalletCommand.class, LedgerCommand.class, ShardCommand.class, ProxyCommand.class, ExplainCommand.class})
public final class SettleCli implements Runnable {
  /** The data directory, its files or the disk cannot be used as they are. */
  public static final int ENVIRONMENT = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "On an error, print its whole stack trace too.")
  boolean verbose;

  /** Runs the CLI and exits with its status: 0 ok, 1 an invariant failed, 2 bad usage, 3 environment. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit status. */
  public static int execute(String... args) {
    return new CommandLine(new SettleCli())
        .setParameterExceptionHandler(new BadUsage())
        .setExecutionExceptionHandler(SettleCli::failed)
        .execute(args);
  }

  /**
   * A user's first contact with a failure is one sentence on stderr: what and where, and what to
   * do. The stack trace only with {@code --verbose}.
   */
  private static int failed(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    PrintWriter err = command.getErr();
    boolean environment = environmental(e);
    String message = oneLine(e);
    if (!environment) {
      message = "internal error: " + message;
    }
    if (verbose(parsed)) {
      err.println("settle-examples: " + message);
      e.printStackTrace(err);
    } else {
      err.println("settle-examples: " + message + " (--verbose shows the details)");
    }
    err.flush();
    return environment ? ENVIRONMENT : 1;
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the cause is outside the program: files, disk, a database, another process. */
  private static boolean environmental(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataDirectoryException
          || t instanceof TransactionLogException
          || t instanceof RemoteWalletException
          || t instanceof IOException
          || t instanceof UncheckedIOException
          || t instanceof SQLException) {
        return true;
      }
    }
    return false;
  }

  /** The most useful message in the chain, on one line. */
  private static String oneLine(Throwable e) {
    Throwable shown = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataDirectoryException || t instanceof TransactionLogException || t instanceof RemoteWalletException) {
        shown = t; // our own messages name the path and say what to do
        break;
      }
    }
    String text = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
    String first = text.strip().lines().findFirst().orElse(text);
    return shown instanceof DataDirectoryException || shown instanceof TransactionLogException
            || shown instanceof RemoteWalletException
        ? first
        : shown.getClass().getSimpleName() + ": " + first;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: wallet, ledger, shard, proxy or explain");
  }
}
