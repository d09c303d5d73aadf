package dev.settle.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Which groups may go as one statement, and which database errors mean it stored nothing. */
class GroupStatementTest {
  private static final TransactionId A = new TransactionId("a");
  private static final TransactionId B = new TransactionId("b");

  @Test
  void aGroupOfOneTransactionPerAppendEachOnceFits() {
    assertThat(GroupStatement.fits(List.of(pending(decided(A)), pending(decided(B))))).isTrue();
  }

  @Test
  void anAppendSpanningTwoTransactionsDoesNotFit() {
    // Refusing one of its transactions must refuse the whole append: only a transaction can do that.
    assertThat(GroupStatement.fits(List.of(pending(decided(A), decided(B))))).isFalse();
  }

  @Test
  void aTransactionTwiceInOneGroupDoesNotFit() {
    // An update joined to two rows of its input would apply only one of them.
    assertThat(GroupStatement.fits(List.of(pending(decided(A)), pending(new LogRecord.End(A))))).isFalse();
  }

  @Test
  void errorsRaisedWhileTheStatementRanMeanItWasRolledBack() {
    for (String state : List.of("23505", "40P01", "40001", "22P02", "42703", "25P02", "54000", "55P03", "57014")) {
      assertThat(GroupStatement.rolledBack(new SQLException("x", state))).as(state).isTrue();
    }
  }

  @Test
  void aLostConnectionOrAServerShutdownLeavesTheCommitUnknown() {
    for (String state : List.of("08006", "08003", "57P01", "57P05", "53200", "XX000")) {
      assertThat(GroupStatement.rolledBack(new SQLException("x", state))).as(state).isFalse();
    }
    // Raised by the driver while it read the answer (its own out-of-memory, say): after the
    // commit, maybe, even in a class the server uses for errors before it.
    assertThat(GroupStatement.rolledBack(new SQLException("x", "23505", new OutOfMemoryError()))).isFalse();
    assertThat(GroupStatement.rolledBack(new SQLException("no state"))).isFalse();
    assertThat(GroupStatement.rolledBack(new SQLException("short", "0"))).isFalse();
  }

  private static LogRecord decided(TransactionId tx) {
    return new LogRecord.Decided(tx, Decision.COMMIT);
  }

  private static Writer.Pending pending(LogRecord... records) {
    return new Writer.Pending(Step.of(List.of(records)), new ReentrantLock().newCondition());
  }
}
