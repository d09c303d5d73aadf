package dev.settle.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

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
    LocalPostgres server =
        LocalPostgres.start(
            "settle-pg-",
            "-c max_prepared_transactions=64 -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop("immediate")));
    return new ThrowawayPostgres("127.0.0.1", server.port(), "postgres", "");
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }
}
