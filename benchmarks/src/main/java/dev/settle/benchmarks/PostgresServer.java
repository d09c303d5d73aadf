package dev.settle.benchmarks;

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
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL server the PostgreSQL rows run on: the one given by {@code --pg-url} (or {@code
 * SETTLE_PG_URL}, with {@code SETTLE_PG_USER} and {@code SETTLE_PG_PASSWORD}), else a throwaway
 * one started from the machine's installation (initdb and pg_ctl into a temporary directory, on a
 * free loopback port, as user {@code postgres} when running as root) and stopped by {@link
 * #close}. The throwaway server keeps PostgreSQL's durable defaults ({@code fsync}, {@code
 * synchronous_commit} on), so a commit is a disk flush, as the file log's force is.
 */
final class PostgresServer implements AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final String description;
  private final @Nullable Runnable stop;

  private PostgresServer(
      String url, String user, String password, String description, @Nullable Runnable stop) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.description = description;
    this.stop = stop;
  }

  String url() {
    return url;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** Where the server came from, for the report. */
  String description() {
    return description;
  }

  /**
   * The given server, or a throwaway one.
   *
   * @throws IllegalStateException with the reason when there is neither
   */
  static PostgresServer find(@Nullable String url, @Nullable String user, @Nullable String password) {
    String given = url != null ? url : System.getenv("SETTLE_PG_URL");
    if (given != null && !given.isBlank()) {
      return new PostgresServer(
          given,
          user != null ? user : envOr("SETTLE_PG_USER", "postgres"),
          password != null ? password : envOr("SETTLE_PG_PASSWORD", ""),
          "given server " + (given.contains("?") ? given.substring(0, given.indexOf('?')) : given),
          null);
    }
    return startThrowaway();
  }

  private static PostgresServer startThrowaway() {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir;
    try {
      dir = Files.createTempDirectory("settle-bench-pg-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory: " + e, e);
    }
    Path data = dir.resolve("data");
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port: " + e, e);
    }
    run(
        asOwner(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--no-sync"),
        dir);
    String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200";
    run(
        asOwner(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", options, "-l",
            dir.resolve("server.log").toString(), "-w", "-t", "60", "start"),
        dir);
    Runnable stop =
        () -> {
          try {
            run(asOwner(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "stop"), dir);
          } finally {
            deleteTree(dir);
          }
        };
    Thread atExit = new Thread(stop, "settle-bench-pg-stop");
    Runtime.getRuntime().addShutdownHook(atExit);
    return new PostgresServer(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        "postgres",
        "",
        "throwaway server from " + bin + " (durable defaults: fsync and synchronous_commit on)",
        () -> {
          try {
            Runtime.getRuntime().removeShutdownHook(atExit);
          } catch (IllegalStateException exiting) {
            return; // the hook runs anyway
          }
          stop.run();
        });
  }

  /** Stops a throwaway server; a given one is left alone. */
  @Override
  public void close() {
    if (stop != null) {
      stop.run();
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
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
    for (File dir : candidates) {
      if (new File(dir, "initdb").canExecute() && new File(dir, "pg_ctl").canExecute()) {
        return dir.toPath();
      }
    }
    throw new IllegalStateException(
        "no PostgreSQL server: give --pg-url (or SETTLE_PG_URL), or install PostgreSQL"
            + " (initdb and pg_ctl in /usr/local/bin or /usr/lib/postgresql/*/bin)");
  }

  private static List<String> asOwner(boolean root, String... command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(Arrays.asList(command));
    return full;
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

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }
}
