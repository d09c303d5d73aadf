package dev.settle.spring.boot.internal;

import dev.settle.core.ParticipantException;
import dev.settle.spring.boot.TransactionalTccParticipant;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.tcc.fence.JdbcTccParticipant;
import java.lang.reflect.UndeclaredThrowableException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A {@link TransactionalTccParticipant} behind the JDBC fence, each call in a new Spring-managed
 * local transaction. The fence row is written on the connection Spring bound to that transaction
 * ({@link DataSourceUtils}), the same one the participant's {@code JdbcTemplate} or JPA work uses,
 * so both commit together or roll back together.
 *
 * <p>A new transaction, not the caller's: the coordinator may run inside an {@code @Transactional}
 * method of the application, and a branch's change must stand or fall on its own, when the
 * fence says, not when that outer transaction ends.
 */
public final class SpringFencedParticipant implements TccParticipant {
  @FunctionalInterface
  private interface FencedCall {
    boolean run(Connection c) throws SQLException;
  }

  private final JdbcTccFence fence;
  private final DataSource dataSource;
  private final TransactionTemplate transactions;
  private final TransactionalTccParticipant participant;
  private final JdbcTccParticipant onBoundConnection;

  public SpringFencedParticipant(
      JdbcTccFence fence,
      DataSource dataSource,
      PlatformTransactionManager transactionManager,
      TransactionalTccParticipant participant) {
    this.fence = fence;
    this.dataSource = dataSource;
    this.transactions = new TransactionTemplate(transactionManager);
    this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.participant = participant;
    // The connection the fence hands over is the one bound to the transaction: the participant's
    // own data access finds it through Spring, so it needs no parameter.
    this.onBoundConnection =
        new JdbcTccParticipant() {
          @Override
          public String name() {
            return participant.name();
          }

          @Override
          public void tryReserve(Connection connection, TccContext context) {
            participant.tryReserve(context);
          }

          @Override
          public void confirm(Connection connection, TccContext context) {
            participant.confirm(context);
          }

          @Override
          public void cancel(Connection connection, TccContext context) {
            participant.cancel(context);
          }
        };
  }

  @Override
  public String name() {
    return participant.name();
  }

  @Override
  public void tryReserve(TccContext context) {
    inTransaction(context, "try", c -> fence.tryReserve(c, context, onBoundConnection));
  }

  @Override
  public void confirm(TccContext context) {
    inTransaction(context, "confirm", c -> fence.confirm(c, context, onBoundConnection));
  }

  @Override
  public void cancel(TccContext context) {
    inTransaction(context, "cancel", c -> fence.cancel(c, context, onBoundConnection));
  }

  private void inTransaction(TccContext context, String phase, FencedCall call) {
    try {
      run(context, phase, call);
    } catch (UndeclaredThrowableException e) {
      // A checked exception thrown through the callback (Spring wraps it); report the real one.
      Throwable real = e.getUndeclaredThrowable() == null ? e : e.getUndeclaredThrowable();
      throw new ParticipantException(
          context.transactionId(), context.branchId(), phase + " failed: " + real, real);
    }
  }

  private void run(TccContext context, String phase, FencedCall call) {
    transactions.executeWithoutResult(
        status -> {
          Connection c = DataSourceUtils.getConnection(dataSource);
          try {
            call.run(c);
          } catch (SQLException e) {
            // Thrown out of the callback, so Spring rolls the fence row and the change back.
            throw new ParticipantException(
                context.transactionId(),
                context.branchId(),
                phase + " failed in the database: " + e.getMessage(),
                e);
          } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
          }
        });
  }

  @Override
  public String toString() {
    return "spring-fenced " + participant;
  }
}
