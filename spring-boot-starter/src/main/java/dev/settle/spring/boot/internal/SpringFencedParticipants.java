package dev.settle.spring.boot.internal;

import dev.settle.spring.boot.FencedParticipants;
import dev.settle.spring.boot.TransactionalTccParticipant;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.fence.JdbcTccFence;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.transaction.PlatformTransactionManager;

/** The starter's {@link FencedParticipants}: the JDBC fence in Spring-managed transactions. */
public final class SpringFencedParticipants implements FencedParticipants {
  private final JdbcTccFence fence;
  private final DataSource dataSource;
  private final PlatformTransactionManager transactionManager;
  private final String table;

  public SpringFencedParticipants(
      JdbcTccFence fence, DataSource dataSource, PlatformTransactionManager transactionManager, String table) {
    this.fence = fence;
    this.dataSource = dataSource;
    this.transactionManager = transactionManager;
    this.table = table;
  }

  @Override
  public TccParticipant protect(TransactionalTccParticipant participant) {
    return new SpringFencedParticipant(fence, dataSource, transactionManager, participant);
  }

  /**
   * Fails unless the fence table can be read, naming the participants that need it: without it
   * every Try, and every Cancel after it, would fail, and each transfer would end in doubt.
   *
   * @param who the participants, for the message
   */
  public void checkTable(String who) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeQuery("SELECT tx_id, branch_id, state FROM " + table + " WHERE 1 = 0").close();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the fence table " + table + " that TransactionalTccParticipant beans " + who + " need cannot"
              + " be read (" + e.getMessage() + "); create it from JdbcTccFence.schema(\"postgresql\")"
              + " or (\"h2\") with your migrations, or set settle.fence.create-schema=true",
          e);
    }
  }
}
