package dev.settle.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for tests, started once per JVM from the machine's installation
 * (initdb and pg_ctl into a temporary directory, on a free loopback port, as user {@code
 * postgres} when running as root) and stopped when the JVM exits. Set {@code SETTLE_PG_URL} (a
 * JDBC URL of a database the tests may create databases from, with {@code SETTLE_PG_USER} and
 * {@code SETTLE_PG_PASSWORD}) to use a running server instead.
 *
 * <p>A missing server is a failure with instructions, never a skip.
 */
public final class ThrowawayPostgres {
  private static ThrowawayPostgres instance;

  private final String host;
  private final int port;
  private final String user;
  private final String password;

  private ThrowawayPostgres(String host, int port, String user, String password) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
  }

  /** The shared server, started on first use. */
  public static synchronized ThrowawayPostgres get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** A JDBC URL of database {@code name}, created empty if it does not exist. */
  public synchronized String database(String name) {
    try (Connection c = DriverManager.getConnection(url("postgres"), user, password);
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  private String url(String db) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + db;
  }

  private static ThrowawayPostgres start() {
    String given = System.getenv("SETTLE_PG_URL");
    if (given != null && !given.isBlank()) {
      // jdbc:postgresql://host:port/db
      String rest = given.substring("jdbc:postgresql://".length());
      String hostPort = rest.substring(0, rest.indexOf('/'));
      String[] hp = hostPort.split(":");
      return new ThrowawayPostgres(
          hp[0],
          hp.length > 1 ? Integer.parseInt(hp[1]) : 5432,
          envOr("SETTLE_PG_USER", "postgres"),
          envOr("SETTLE_PG_PASSWORD", ""));
    }
    Path bin = findBin();
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dir = Files.createTempDirectory("settle-pg-");
      Path data = dir.resolve("data");
      if (root) {
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()), dir);
      }
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      run(
          asOwner(
              root,
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              "postgres",
              "--auth=trust",
              "-E",
              "UTF8",
              "--no-sync"),
          dir);
      String options =
          "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
              + " -c max_prepared_transactions=64 -c fsync=off -c synchronous_commit=off"
              + " -c full_page_writes=off -c max_connections=200";
      run(
          asOwner(
              root,
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-o",
              options,
              "-l",
              dir.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "start"),
          dir);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run(
                          asOwner(
                              root,
                              bin.resolve("pg_ctl").toString(),
                              "-D",
                              data.toString(),
                              "-m",
                              "immediate",
                              "stop"),
                          dir);
                      deleteTree(dir);
                    } catch (RuntimeException | IOException ignored) {
                      // best effort at exit
                    }
                  }));
      return new ThrowawayPostgres("127.0.0.1", port, "postgres", "");
    } catch (IOException e) {
      throw new IllegalStateException("could not start a throwaway PostgreSQL: " + e, e);
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }

  private static Path findBin() {
    File root = new File("/usr/lib/postgresql");
    File[] versions = root.listFiles();
    if (versions != null) {
      Arrays.sort(versions, Comparator.comparing(File::getName).reversed());
      for (File v : versions) {
        File initdb = new File(v, "bin/initdb");
        if (initdb.canExecute()) {
          return initdb.toPath().getParent();
        }
      }
    }
    throw new IllegalStateException(
        "PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb. These tests need a real"
            + " server. Install it with 'apt-get install -y postgresql' (.ci/run does this), or"
            + " point SETTLE_PG_URL (and SETTLE_PG_USER, SETTLE_PG_PASSWORD) at a running server.");
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
            "failed (" + p.exitValue() + "): " + command + "\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
