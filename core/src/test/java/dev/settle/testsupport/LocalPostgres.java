package dev.settle.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of its own, started from the machine's installation: initdb and pg_ctl
 * into a temporary directory, on a free loopback port, as user {@code postgres} when running as
 * root, trust authentication for user {@code postgres}. The tests' throwaway server and the
 * benchmarks' durable one differ only in the server options they pass.
 */
public final class LocalPostgres {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean root;

  private LocalPostgres(Path bin, Path dir, int port, boolean root) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.root = root;
  }

  /**
   * Creates and starts a cluster in a new temporary directory named {@code prefix...}.
   *
   * @param serverOptions extra {@code postgres} options, such as {@code "-c fsync=off"}
   * @throws IllegalStateException when PostgreSQL is not installed or does not start, with what
   *     to do about it
   */
  public static LocalPostgres start(String prefix, String serverOptions) {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    reapOrphans(bin, prefix, root);
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory(prefix);
      // Who owns the server: a JVM killed without its shutdown hook (kill -9, or a PIT minion
      // stopped for taking too long) leaves the server running; the next start stops it.
      Files.writeString(dir.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a throwaway PostgreSQL: " + e, e);
    }
    LocalPostgres server = new LocalPostgres(bin, dir, port, root);
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir);
    }
    server.pg("initdb", "-D", server.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
    String options =
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200 " + serverOptions;
    server.pg("pg_ctl", "-D", server.data(), "-o", options, "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    return server;
  }

  private static final String OWNER = "owner.pid";

  /**
   * Stops and deletes the servers of earlier {@code prefix} clusters whose JVM is gone without
   * having stopped them. A server whose owner still runs (another test JVM) is left alone.
   */
  private static void reapOrphans(Path bin, String prefix, boolean root) {
    File[] dirs = new File(System.getProperty("java.io.tmpdir")).listFiles((d, name) -> name.startsWith(prefix));
    if (dirs == null) {
      return;
    }
    for (File candidate : dirs) {
      Path dir = candidate.toPath();
      try {
        long owner = Long.parseLong(Files.readString(dir.resolve(OWNER), StandardCharsets.US_ASCII).strip());
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
      } catch (IOException | RuntimeException unreadable) {
        continue; // not one of ours with an owner, or being written right now: leave it
      }
      new LocalPostgres(bin, dir, -1, root).stop("immediate");
    }
  }

  /** The port it listens on, at 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The installation it runs from. */
  public Path bin() {
    return bin;
  }

  /**
   * Stops the server ({@code mode}: {@code fast} or {@code immediate}) and deletes its directory;
   * best effort, for shutdown hooks.
   */
  public void stop(String mode) {
    try {
      pg("pg_ctl", "-D", data(), "-m", mode, "stop");
    } catch (RuntimeException ignored) {
      // already stopped, or the machine is going down: the directory goes anyway
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException ignored) {
        // best effort
      }
    }
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  private void pg(String program, String... args) {
    List<String> command = new ArrayList<>();
    if (root) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(Arrays.asList(args));
    run(command, dir);
  }

  private static Path findBin() {
    List<File> candidates = new ArrayList<>();
    candidates.add(new File("/usr/local/bin"));
    File[] versions = new File("/usr/lib/postgresql").listFiles();
    if (versions != null) {
      Arrays.sort(versions, Comparator.comparing(File::getName).reversed());
      for (File v : versions) {
        candidates.add(new File(v, "bin"));
      }
    }
    for (File candidate : candidates) {
      if (new File(candidate, "initdb").canExecute() && new File(candidate, "pg_ctl").canExecute()) {
        return candidate.toPath();
      }
    }
    throw new IllegalStateException(
        "PostgreSQL is not installed: no initdb and pg_ctl in /usr/local/bin or"
            + " /usr/lib/postgresql/*/bin. Install it with 'apt-get install -y postgresql' (.ci/run"
            + " does this), or point SETTLE_PG_URL (and SETTLE_PG_USER, SETTLE_PG_PASSWORD) at a"
            + " running server.");
  }

  private static void run(List<String> command, Path dir) {
    try {
      Path out = dir.resolve("cmd.out");
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "failed (" + p.exitValue() + "): " + command + ": "
                + Files.readString(out, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
