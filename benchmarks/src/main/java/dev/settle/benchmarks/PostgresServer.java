package dev.settle.benchmarks;

import dev.settle.testsupport.LocalPostgres;
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
    // PostgreSQL's durable defaults (fsync, synchronous_commit): no options added.
    LocalPostgres server = LocalPostgres.start("settle-bench-pg-", "");
    Runnable stop = () -> server.stop("fast");
    Thread atExit = new Thread(stop, "settle-bench-pg-stop");
    Runtime.getRuntime().addShutdownHook(atExit);
    return new PostgresServer(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres",
        "postgres",
        "",
        "throwaway server from " + server.bin() + " (durable defaults: fsync and synchronous_commit on)",
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
}
