package dev.settle.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose every commit takes {@code delayMillis} longer, as on a slow disk, and that
 * counts how many commits were under way at once: the most tells whether groups overlapped.
 */
final class SlowCommitDataSource implements DataSource {
  private final DataSource real;
  private final long delayMillis;
  private final AtomicInteger committing = new AtomicInteger();
  private final AtomicInteger mostCommitting = new AtomicInteger();

  SlowCommitDataSource(DataSource real, long delayMillis) {
    this.real = real;
    this.delayMillis = delayMillis;
  }

  /** The most commits that were under way at once. */
  int mostCommitsAtOnce() {
    return mostCommitting.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = real.getConnection();
    return (Connection) Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          boolean commit = method.getName().equals("commit");
          if (commit) {
            mostCommitting.accumulateAndGet(committing.incrementAndGet(), Math::max);
            Thread.sleep(delayMillis); // before the commit: the transaction stays open meanwhile
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (commit) {
              committing.decrementAndGet();
            }
          }
        });
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("user and password come from the wrapped data source");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return real.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    real.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    real.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return real.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return real.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return real.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return real.isWrapperFor(iface);
  }
}
