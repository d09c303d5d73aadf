package dev.settle.twopc.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.testsupport.CrashingLog;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.spi.Vote;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Moves money between two real databases through XA: the source's first answer, with the prepare
 * done by the database. Subclasses supply the databases.
 */
abstract class XaTransferContract {
  private final List<XAConnection> open = new ArrayList<>();
  XADataSource bank1;
  XADataSource bank2;

  abstract XADataSource dataSource(String database) throws SQLException;

  /**
   * What a coordinator crash does to the databases besides leaving branches prepared: nothing for
   * a server; an embedded database dies with the process and is reopened.
   */
  void restartDatabases() throws SQLException {}

  @BeforeEach
  void createAccounts() throws SQLException {
    bank1 = dataSource("bank1");
    bank2 = dataSource("bank2");
    reset(bank1, "A", 500);
    reset(bank2, "C", 0);
  }

  @AfterEach
  void closeConnections() {
    for (XAConnection c : open) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the test is over
      }
    }
  }

  private void reset(XADataSource ds, String account, long balance) throws SQLException {
    XAConnection xa = connect(ds);
    // Finish any branch an earlier test left prepared, so each test starts clean.
    try {
      for (Xid xid : xa.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
        if (xid.getFormatId() == SettleXid.FORMAT_ID) {
          xa.getXAResource().rollback(xid);
        }
      }
    } catch (javax.transaction.xa.XAException e) {
      throw new SQLException("cannot clear prepared branches: " + e.errorCode, e);
    }
    try (Connection c = xa.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS accounts");
      s.execute("CREATE TABLE accounts (id VARCHAR(8) PRIMARY KEY, balance BIGINT NOT NULL CHECK (balance >= 0))");
      s.execute("INSERT INTO accounts VALUES ('" + account + "', " + balance + ")");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  XAConnection connect(XADataSource ds) throws SQLException {
    XAConnection c = ds.getXAConnection();
    open.add(c);
    return c;
  }

  long balance(XADataSource ds, String account) throws SQLException {
    try (Connection c = connect(ds).getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
      ps.setString(1, account);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  int preparedSettleBranches(XADataSource ds) throws Exception {
    int n = 0;
    for (Xid xid : connect(ds).getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)) {
      if (SettleXid.parse(xid).isPresent()) {
        n++;
      }
    }
    return n;
  }

  static void add(Connection c, String account, long delta) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
      ps.setLong(1, delta);
      ps.setString(2, account);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("unknown account " + account);
      }
    }
  }

  TwoPhaseCoordinator coordinator(TransactionLog log, TwoPhaseParticipant... participants) {
    var b = TwoPhaseCoordinator.builder().log(log).scheduler(d -> {}).random(new Random(1));
    for (TwoPhaseParticipant p : participants) {
      b.participant(p);
    }
    return b.build();
  }

  /** A fresh XA branch pair and the transfer's work on their connections. */
  TwoPhaseTransaction transfer(XaParticipant p1, XAConnection x1, XaParticipant p2, XAConnection x2, long amount) {
    return TwoPhaseTransaction.builder()
        .enlist("bank1", p1)
        .enlist("bank2", p2)
        .work(
            tx -> {
              // The logical connections stay open until the XAConnection closes: H2 detaches
              // a branch whose handle is closed before prepare.
              add(x1.getConnection(), "A", -amount);
              add(x2.getConnection(), "C", amount);
            })
        .build();
  }

  @Test
  void movesMoneyBetweenTwoDatabasesAtomically() throws Exception {
    XAConnection x1 = connect(bank1);
    XAConnection x2 = connect(bank2);
    XaParticipant p1 = new XaParticipant("bank1", x1.getXAResource());
    XaParticipant p2 = new XaParticipant("bank2", x2.getXAResource());
    Outcome outcome = coordinator(new InMemoryTransactionLog(), p1, p2).execute(transfer(p1, x1, p2, x2, 100));
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(balance(bank1, "A")).isEqualTo(400);
    assertThat(balance(bank2, "C")).isEqualTo(100);
  }

  @Test
  void aFailedPrepareAbortsBothDatabases() throws Exception {
    XAConnection x1 = connect(bank1);
    XAConnection x2 = connect(bank2);
    XaParticipant p1 = new XaParticipant("bank1", x1.getXAResource());
    XaParticipant real2 = new XaParticipant("bank2", x2.getXAResource());
    TwoPhaseParticipant p2 =
        new Delegating(real2) {
          @Override
          public Vote prepare(TwoPhaseContext ctx) {
            throw new IllegalStateException("bank2 cannot prepare");
          }
        };
    Outcome outcome =
        coordinator(new InMemoryTransactionLog(), p1, p2)
            .execute(
                TwoPhaseTransaction.builder()
                    .enlist("bank1", p1)
                    .enlist("bank2", p2)
                    .work(
                        tx -> {
                          add(x1.getConnection(), "A", -100);
                          add(x2.getConnection(), "C", 100);
                        })
                    .build());
    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(balance(bank1, "A")).isEqualTo(500);
    assertThat(balance(bank2, "C")).isZero();
    assertThat(preparedSettleBranches(bank1)).isZero();
  }

  @Test
  void aDatabaseRefusingTheWorkRollsBack() throws Exception {
    XAConnection x1 = connect(bank1);
    XAConnection x2 = connect(bank2);
    XaParticipant p1 = new XaParticipant("bank1", x1.getXAResource());
    XaParticipant p2 = new XaParticipant("bank2", x2.getXAResource());
    // A above its balance: the CHECK constraint fails inside the work.
    Outcome outcome = coordinator(new InMemoryTransactionLog(), p1, p2).execute(transfer(p1, x1, p2, x2, 900));
    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(balance(bank1, "A")).isEqualTo(500);
    assertThat(balance(bank2, "C")).isZero();
  }

  /** A participant that passes every call to a real XA participant; tests override one call. */
  static class Delegating implements TwoPhaseParticipant {
    private final XaParticipant real;

    Delegating(XaParticipant real) {
      this.real = real;
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public void begin(TwoPhaseContext ctx) {
      real.begin(ctx);
    }

    @Override
    public void end(TwoPhaseContext ctx, boolean success) {
      real.end(ctx, success);
    }

    @Override
    public Vote prepare(TwoPhaseContext ctx) {
      return real.prepare(ctx);
    }

    @Override
    public void commit(TwoPhaseContext ctx, boolean onePhase) {
      real.commit(ctx, onePhase);
    }

    @Override
    public void rollback(TwoPhaseContext ctx) {
      real.rollback(ctx);
    }
  }

  /** The coordinator process dies between its two commits: the second branch stays prepared. */
  static final class ProcessDeath extends Error {
    private static final long serialVersionUID = 1L;

    ProcessDeath() {
      super("simulated coordinator crash between the two commits");
    }
  }

  @Test
  void aCrashAfterTheDecisionLeavesPreparedBranchesThatRecoveryCommits() throws Exception {
    CrashingLog log = new CrashingLog(-1); // the log survives; the process dies in phase two
    XAConnection x1 = connect(bank1);
    XAConnection x2 = connect(bank2);
    XaParticipant p1 = new XaParticipant("bank1", x1.getXAResource());
    XaParticipant real2 = new XaParticipant("bank2", x2.getXAResource());
    TwoPhaseParticipant p2 =
        new Delegating(real2) {
          @Override
          public void commit(TwoPhaseContext ctx, boolean onePhase) {
            throw new ProcessDeath();
          }
        };
    assertThatThrownBy(
            () ->
                coordinator(log, p1, p2)
                    .execute(
                        TwoPhaseTransaction.builder()
                            .enlist("bank1", p1)
                            .enlist("bank2", p2)
                            .work(
                                tx -> {
                                  add(x1.getConnection(), "A", -100);
                                  add(x2.getConnection(), "C", 100);
                                })
                            .build()))
        .isInstanceOf(ProcessDeath.class);
    assertThat(preparedSettleBranches(bank2)).isEqualTo(1);
    log.disarm();
    restartDatabases();

    // A new coordinator process: new connections, the same names, the same log.
    XaParticipant r1 = new XaParticipant("bank1", connect(bank1).getXAResource());
    XaParticipant r2 = new XaParticipant("bank2", connect(bank2).getXAResource());
    assertThat(coordinator(log, r1, r2).recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(preparedSettleBranches(bank1) + preparedSettleBranches(bank2)).isZero();
    assertThat(balance(bank1, "A")).isEqualTo(400);
    assertThat(balance(bank2, "C")).isEqualTo(100);
  }

  @Test
  void aCrashBeforeTheDecisionIsRolledBackByRecovery() throws Exception {
    CrashingLog log = new CrashingLog(2); // both prepared, the decision never written
    XAConnection x1 = connect(bank1);
    XAConnection x2 = connect(bank2);
    XaParticipant p1 = new XaParticipant("bank1", x1.getXAResource());
    XaParticipant p2 = new XaParticipant("bank2", x2.getXAResource());
    assertThatThrownBy(() -> coordinator(log, p1, p2).execute(transfer(p1, x1, p2, x2, 100)))
        .isInstanceOf(CrashingLog.Crash.class);
    assertThat(preparedSettleBranches(bank1) + preparedSettleBranches(bank2)).isEqualTo(2);
    log.disarm();
    restartDatabases();
    XaParticipant r1 = new XaParticipant("bank1", connect(bank1).getXAResource());
    XaParticipant r2 = new XaParticipant("bank2", connect(bank2).getXAResource());
    assertThat(coordinator(log, r1, r2).recover()).singleElement().isInstanceOf(Outcome.RolledBack.class);
    assertThat(preparedSettleBranches(bank1) + preparedSettleBranches(bank2)).isZero();
    assertThat(balance(bank1, "A")).isEqualTo(500);
  }

  @Test
  void theRecoveryScanRollsBackOrphansAndLeavesForeignXidsAlone() throws Exception {
    XAConnection x1 = connect(bank1);
    XAResource resource = x1.getXAResource();
    SettleXid orphan = SettleXid.of(TransactionId.of("orphan-1"), BranchId.of("bank1"));
    resource.start(orphan, XAResource.TMNOFLAGS);
    add(x1.getConnection(), "A", -50);
    resource.end(orphan, XAResource.TMSUCCESS);
    resource.prepare(orphan);
    assertThat(preparedSettleBranches(bank1)).isEqualTo(1);
    restartDatabases();

    XaRecovery.Report report =
        XaRecovery.resolve(connect(bank1).getXAResource(), coordinator(new InMemoryTransactionLog()));
    assertThat(report.rolledBack()).containsExactly(orphan);
    assertThat(report.committed()).isEmpty();
    assertThat(preparedSettleBranches(bank1)).isZero();
    assertThat(balance(bank1, "A")).isEqualTo(500);
  }
}
