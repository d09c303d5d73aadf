package dev.settle.examples.cli;

import dev.settle.examples.remote.RemoteSettingsException;
import dev.settle.examples.remote.ShardNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shard serve}: one shard, an H2 file database behind the participant endpoint. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve one shard of the distributed wallet until killed: its accounts in an H2 file database"
          + " in --data-dir, as a TCC participant and a saga step (POST /settle/shard-I/...), fenced"
          + " in the same local transaction as each change; GET /balances answers"
          + " {\"total\":..,\"negative\":..,\"reserved\":..}. Prints 'listening on PORT' when ready."
          + " Restarted on the same directory, it keeps its settings and every committed change."
    })
public final class ShardServeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", required = true, description = "The port to listen on (0: a free one).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "Where the shard keeps its database.")
  Path dataDir;

  @Option(names = "--accounts", defaultValue = "100", description = "Accounts of the whole wallet; this shard holds a<n> for n mod --shards = --shard-index (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--opening", paramLabel = "CENTS", defaultValue = "10000", description = "Each account's opening balance in cents (default: ${DEFAULT-VALUE}).")
  long opening;

  @Option(names = "--shard-index", paramLabel = "I", required = true, description = "This shard's position, 0 to --shards - 1.")
  int index;

  @Option(names = "--shards", paramLabel = "S", required = true, description = "How many shards the wallet has.")
  int shards;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535, was " + port);
    }
    if (dataDir.toString().isBlank()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--data-dir must name a directory, was empty");
    }
    ShardNode.Settings wanted;
    try {
      wanted = new ShardNode.Settings(index, shards, accounts, opening);
    } catch (RemoteSettingsException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    Optional<ShardNode.Settings> existing = ShardNode.existing(dataDir);
    if (existing.isPresent() && !existing.get().equals(wanted)) {
      ShardNode.Settings was = existing.get();
      throw new CommandLine.ParameterException(spec.commandLine(), "data directory " + dataDir + " holds shard "
          + was.index() + " of " + was.shards() + " with " + was.accounts() + " accounts opened with " + was.opening()
          + " cents; start it with those flags or choose another --data-dir");
    }
    ShardNode node = ShardNode.start(dataDir, wanted, host, port);
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shard-shutdown"));
    System.out.println("listening on " + node.port());
    System.out.flush();
    new CountDownLatch(1).await(); // serve until the process is killed
    return 0;
  }
}
