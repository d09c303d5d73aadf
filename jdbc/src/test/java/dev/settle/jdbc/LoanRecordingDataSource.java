package dev.settle.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A data source that plays a pool which does not reset what it is given back (several pools do
 * not, by default): for every connection it hands out it remembers the state then and when the
 * borrower closed it, and the statements the borrower left open.
 */
final class LoanRecordingDataSource extends ForwardingDataSource {
  /** One connection handed out: its state as handed out and, once closed, as given back. */
  static final class Loan {
    final boolean autoCommitOut;
    final @Nullable String sessionBoundOut;
    final List<Statement> statements = new CopyOnWriteArrayList<>();
    volatile boolean givenBack;
    volatile boolean autoCommitBack;
    volatile @Nullable String sessionBoundBack;
    volatile int statementsLeftOpen;
    volatile boolean transactionOpenBack;

    Loan(boolean autoCommitOut, @Nullable String sessionBoundOut) {
      this.autoCommitOut = autoCommitOut;
      this.sessionBoundOut = sessionBoundOut;
    }

    @Override
    public String toString() {
      return "loan[auto-commit " + autoCommitOut + " -> " + autoCommitBack + ", bound " + sessionBoundOut
          + " -> " + sessionBoundBack + ", statements left open " + statementsLeftOpen
          + (transactionOpenBack ? ", TRANSACTION OPEN" : "") + (givenBack ? "" : ", NOT GIVEN BACK") + "]";
    }
  }

  final List<Loan> loans = new CopyOnWriteArrayList<>();

  LoanRecordingDataSource(DataSource real) {
    super(real);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = super.getConnection();
    Loan loan = new Loan(c.getAutoCommit(), sessionBound(c));
    loans.add(loan);
    return (Connection) Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close") && !loan.givenBack && !c.isClosed()) {
            loan.autoCommitBack = c.getAutoCommit();
            loan.transactionOpenBack = transactionOpen(c); // first: the reads below may begin one
            loan.statementsLeftOpen = (int) loan.statements.stream().filter(LoanRecordingDataSource::open).count();
            loan.sessionBoundBack = sessionBound(c);
            loan.givenBack = true;
          }
          try {
            Object result = method.invoke(c, args);
            if (result instanceof Statement s) {
              loan.statements.add(s);
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** The loans not given back, and those given back otherwise than they went out. */
  List<Loan> badLoans() {
    List<Loan> bad = new ArrayList<>();
    for (Loan l : loans) {
      if (!l.givenBack || l.autoCommitBack != l.autoCommitOut || l.statementsLeftOpen > 0 || l.transactionOpenBack
          || !java.util.Objects.equals(l.sessionBoundOut, l.sessionBoundBack)) {
        bad.add(l);
      }
    }
    return bad;
  }

  /**
   * Whether {@code c} is in a transaction the next borrower would join: on PostgreSQL any open or
   * failed one (the driver knows without a round trip), on H2 one holding uncommitted changes.
   */
  private static boolean transactionOpen(Connection c) throws SQLException {
    if (c.isWrapperFor(org.postgresql.core.BaseConnection.class)) {
      return c.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState()
          != org.postgresql.core.TransactionState.IDLE;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT CONTAINS_UNCOMMITTED FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID()")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static boolean open(Statement s) {
    try {
      return !s.isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * The session's bound on idle open transactions where the database has one (PostgreSQL), read
   * without touching the transaction state: in autocommit it is its own statement; otherwise the
   * read joins whatever transaction is open, which a give-back must end anyway.
   */
  private static @Nullable String sessionBound(Connection c) throws SQLException {
    if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgresql")) {
      return null;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW idle_in_transaction_session_timeout")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return "unreadable: " + e.getMessage(); // a failed transaction left open: never as it came
    }
  }
}
