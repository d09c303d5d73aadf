package dev.settle.testkit;

import dev.settle.jdbc.JdbcTransactionLog;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory H2 database of one {@link SharedLogSimulation} run: the shared log's tables, the
 * {@linkplain SimulatedDatabaseClock database clock} on the run's virtual time, and a view of it
 * per node through which the simulation can step in at the moment a node's takeover claim has
 * selected (and locked) what it is about to take.
 */
final class SimulatedDatabase implements AutoCloseable {
  private static final AtomicLong RUNS = new AtomicLong();

  private final String key;
  private final String url;
  private final Plain plain;

  SimulatedDatabase(long seed, LongSupplier millis) {
    this.key = "sim-" + seed + "-" + RUNS.incrementAndGet();
    // Lock waits only happen when a node's claim runs inside another's (one thread): keep them short.
    this.url = "jdbc:h2:mem:settle-" + key + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=50";
    this.plain = new Plain();
    SimulatedDatabaseClock.register(key, millis);
    try (Connection c = plain.getConnection();
        Statement s = c.createStatement()) {
      s.execute(SimulatedDatabaseClock.declaration());
    } catch (SQLException e) {
      SimulatedDatabaseClock.unregister(key);
      throw new IllegalStateException(
          "cannot create the simulated database (is H2 on the class path?): " + e.getMessage(), e);
    }
    JdbcTransactionLog.createSchema(plain);
  }

  /** The SQL expression of this database's clock. */
  String clock() {
    return SimulatedDatabaseClock.expression(key);
  }

  /** The database itself, for the simulation's own reads. */
  DataSource dataSource() {
    return plain;
  }

  /**
   * A view for one node: {@code claimHook} is asked, once its claim query has run, what to do then;
   * {@code commitHook} is asked at each commit whether its answer is lost.
   */
  DataSource view(ClaimHook claimHook, CommitHook commitHook) {
    return new View(claimHook, commitHook);
  }

  /** Drops the database and its clock. */
  @Override
  public void close() {
    try (Connection c = plain.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      // an in-memory database: it goes with the JVM at the latest
    } finally {
      SimulatedDatabaseClock.unregister(key);
    }
  }

  /** What a node's view runs right after its takeover claim selected its rows. */
  interface ClaimHook {
    /** The action to run now, or null; it is run at most once per arming. */
    @Nullable Runnable take();
  }

  /** What becomes of a commit whose answer the network loses. */
  enum LostAnswer {
    /** The commit is made, then the connection breaks before its answer arrives. */
    AFTER_COMMIT,
    /** The connection breaks as the commit goes out: the database rolls back. */
    BEFORE_COMMIT
  }

  /** Asked at every commit of a node's view. */
  interface CommitHook {
    /** Whether this commit's answer is lost, and how; null for a commit that goes through. */
    @Nullable LostAnswer take();
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, "sa", "");
  }

  private abstract class Base implements DataSource {
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }
  }

  private final class Plain extends Base {
    @Override
    public Connection getConnection() throws SQLException {
      return connect();
    }
  }

  /** Connections whose takeover claim query calls the node's hook once it has run. */
  private final class View extends Base {
    private final ClaimHook hook;
    private final CommitHook commits;

    View(ClaimHook hook, CommitHook commits) {
      this.hook = hook;
      this.commits = commits;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = connect();
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("commit")) {
                  LostAnswer lost = commits.take();
                  if (lost != null) {
                    if (lost == LostAnswer.AFTER_COMMIT) {
                      c.commit();
                    } else {
                      c.rollback();
                    }
                    c.close(); // a broken connection is gone for good
                    throw new SQLException("simulated: the connection broke as the commit went out", "08006");
                  }
                }
                Object result = invoke(c, method, args);
                if (result instanceof PreparedStatement ps
                    && method.getName().equals("prepareStatement")
                    && args != null
                    && args[0] instanceof String sql
                    && isClaim(sql)) {
                  return claimStatement(ps);
                }
                return result;
              });
    }

    private PreparedStatement claimStatement(PreparedStatement ps) {
      InvocationHandler handler =
          (proxy, method, args) -> {
            Object result = invoke(ps, method, args);
            if (method.getName().equals("executeQuery")) {
              Runnable action = hook.take();
              if (action != null) {
                action.run(); // this node holds the rows it selected, and has taken none yet
              }
            }
            return result;
          };
      return (PreparedStatement)
          Proxy.newProxyInstance(
              PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, handler);
    }
  }

  /** The shared log's takeover query: unfinished transactions of others, locked, skipping locked ones. */
  private static boolean isClaim(String sql) {
    return sql.startsWith("SELECT tx_id, owner_node, owner_epoch FROM settle_tx") && sql.contains("SKIP LOCKED");
  }

  private static @Nullable Object invoke(Object target, Method method, Object @Nullable [] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
