package dev.settle.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.JdbcTccFence;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The README's JDBC fence example, on an in-memory H2 database. */
class JdbcFenceSnippetTest {
  @Test
  void theFencedJdbcParticipantsMoveTheMoney() throws SQLException {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:readme-fence;DB_CLOSE_DELAY=-1");
    dataSource.setUser("sa");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String ddl : JdbcTccFence.schema("h2").split(";")) {
        if (!ddl.isBlank()) {
          s.execute(ddl);
        }
      }
      s.execute("CREATE TABLE accounts (id VARCHAR(16) PRIMARY KEY, balance BIGINT, reserved BIGINT)");
      s.execute("INSERT INTO accounts VALUES ('A', 100, 0), ('C', 0, 0)");
    }

    // readme:begin jdbc-fence
    JdbcTccFence fence = JdbcTccFence.builder().build();   // table settle_tcc_fence, system clock
    TccParticipant shard1 = fence.protect(dataSource, new AccountsOnJdbc("shard-1"));   // a JdbcTccParticipant
    TccParticipant shard2 = fence.protect(dataSource, new AccountsOnJdbc("shard-2"));
    // readme:end

    try (TccCoordinator coordinator = TccCoordinator.builder()
        .log(new InMemoryTransactionLog()).participant(shard1).participant(shard2).build()) {
      Outcome outcome = coordinator.execute(TccTransaction.builder()
          .branch("debit-A", shard1, "A:-100")
          .branch("credit-C", shard2, "C:100")
          .build());
      assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    }
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, balance + reserved FROM accounts ORDER BY id")) {
      r.next();
      assertThat(r.getLong(2)).as("A").isZero();
      r.next();
      assertThat(r.getLong(2)).as("C").isEqualTo(100);
      s.execute("DROP ALL OBJECTS");
    }
  }
}
