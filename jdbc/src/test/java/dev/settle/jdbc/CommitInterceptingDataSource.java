package dev.settle.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A data source around a real one whose connections let a test act just before each commit is
 * sent (the transaction still open, its rows locked) and just after it returned or failed. A
 * writing statement (insert, update, delete, or one that starts with {@code WITH}) run in
 * autocommit mode commits as it runs, so for the test it is a commit too: the hooks run around it,
 * before it is sent. Reads and session settings are not.
 */
abstract class CommitInterceptingDataSource extends ForwardingDataSource {
  CommitInterceptingDataSource(DataSource real) {
    super(real);
  }

  /** Runs on the committing thread before the commit is sent. */
  abstract void beforeCommit() throws InterruptedException;

  /** Runs on the committing thread once the commit returned or failed. */
  void afterCommit() {}

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = super.getConnection();
    return (Connection) Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          boolean commit = method.getName().equals("commit");
          if (commit) {
            beforeCommit();
          }
          try {
            Object result = method.invoke(c, args);
            return method.getName().equals("prepareStatement") && writes((String) args[0])
                ? committingWhenAutocommit(c, (PreparedStatement) result)
                : result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (commit) {
              afterCommit();
            }
          }
        });
  }

  private static boolean writes(String sql) {
    String verb = sql.stripLeading().toUpperCase(Locale.ROOT);
    return verb.startsWith("INSERT") || verb.startsWith("UPDATE") || verb.startsWith("DELETE")
        || verb.startsWith("WITH");
  }

  /** {@code ps}, whose executions on {@code c} in autocommit mode run between the hooks. */
  private PreparedStatement committingWhenAutocommit(Connection c, PreparedStatement ps) {
    return (PreparedStatement) Proxy.newProxyInstance(
        PreparedStatement.class.getClassLoader(), new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
          boolean commit = method.getName().startsWith("execute") && c.getAutoCommit();
          if (commit) {
            beforeCommit();
          }
          try {
            return method.invoke(ps, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (commit) {
              afterCommit();
            }
          }
        });
  }
}
