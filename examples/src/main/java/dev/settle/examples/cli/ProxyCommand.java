package dev.settle.examples.cli;

import dev.settle.examples.remote.RemoteWalletException;
import dev.settle.testkit.http.FaultProxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code proxy}: the seeded fault-injecting HTTP proxy in front of one shard. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Forward HTTP calls to --target until killed, losing, delaying and repeating POSTs: each"
          + " call is, with probability --fault-rate each, dropped before it is forwarded, forwarded"
          + " with its answer dropped, held for --delay-millis (so a Cancel sent meanwhile overtakes"
          + " its Try), or delivered twice. Other methods (GET /balances) pass cleanly. Prints"
          + " 'listening on PORT' when ready, and what it did when stopped (SIGTERM)."
    })
public final class ProxyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--listen", paramLabel = "PORT", required = true, description = "The port to listen on (0: a free one).")
  int listen;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--target", paramLabel = "URL", required = true, description = "The shard, http://host:port.")
  String target;

  @Option(names = "--fault-rate", paramLabel = "R", defaultValue = "0.02", description = "Probability of each of the four faults per POST, 0 to 0.25 (default: ${DEFAULT-VALUE}).")
  double faultRate;

  @Option(names = "--delay-millis", defaultValue = "1500", description = "How long a delayed call is held; longer than the caller's call timeout (1 s in 'wallet --remote') makes Cancels overtake Tries (default: ${DEFAULT-VALUE}).")
  long delayMillis;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (listen < 0 || listen > 65_535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--listen must be a port between 0 and 65535, was " + listen);
    }
    if (!(faultRate >= 0 && faultRate <= 0.25)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fault-rate must be between 0 and 0.25, was " + faultRate);
    }
    if (delayMillis < 0 || delayMillis > 600_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--delay-millis must be between 0 and 600000, was " + delayMillis);
    }
    URI uri;
    try {
      uri = URI.create(target);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--target must be an http://host:port URL, was " + target);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--target must be an http://host:port URL, was " + target);
    }
    FaultProxy proxy;
    try {
      proxy = FaultProxy.start(new InetSocketAddress(host, listen), uri, seed, faultRate, Duration.ofMillis(delayMillis));
    } catch (java.io.UncheckedIOException e) {
      throw new RemoteWalletException(e.getMessage() + "; choose another --listen port", e);
    }
    int port = proxy.port();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      proxy.close();
      System.err.println("proxy " + port + " -> " + uri + ": " + proxy.counts());
    }, "proxy-shutdown"));
    System.out.println("listening on " + port);
    System.out.flush();
    new CountDownLatch(1).await(); // forward until the process is killed
    return 0;
  }
}
