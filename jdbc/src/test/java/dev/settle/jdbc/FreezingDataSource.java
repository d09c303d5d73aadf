package dev.settle.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source whose next commit, once armed, stops before it is sent, as a process frozen by
 * SIGSTOP or a long GC pause between its last statement and its commit does: the database
 * transaction stays open and keeps the rows it updated locked.
 */
final class FreezingDataSource implements DataSource {
  private final DataSource real;
  private volatile boolean armed;
  private final CountDownLatch frozen = new CountDownLatch(1);
  private final CountDownLatch thawed = new CountDownLatch(1);

  FreezingDataSource(DataSource real) {
    this.real = real;
  }

  /** The next commit on any connection freezes until {@link #thaw}. */
  void freezeNextCommit() {
    armed = true;
  }

  /** Waits until a commit froze. */
  boolean awaitFrozen(long seconds) throws InterruptedException {
    return frozen.await(seconds, TimeUnit.SECONDS);
  }

  void thaw() {
    thawed.countDown();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = real.getConnection();
    return (Connection) Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("commit") && armed) {
            armed = false;
            frozen.countDown();
            thawed.await();
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
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
