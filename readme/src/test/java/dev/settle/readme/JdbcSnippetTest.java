package dev.settle.readme;

import com.example.AccountsShard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.jdbc.BackgroundRecovery;
import dev.settle.jdbc.JdbcTransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The README's "Running several instances" example, on an in-memory H2 database. */
class JdbcSnippetTest {
  @Test
  void theExampleOpensTheSharedLogAndRunsOnIt() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:readme-jdbc;DB_CLOSE_DELAY=-1");
    dataSource.setUser("sa");
    InMemoryTccFence fence = InMemoryTccFence.create();
    TccParticipant shard1 = fence.protect(new AccountsShard("shard-1"));
    TccParticipant shard2 = fence.protect(new AccountsShard("shard-2"));

    // readme:begin jdbc
    JdbcTransactionLog.createSchema(dataSource);          // or run JdbcTransactionLog.schema("postgresql") yourself
    JdbcTransactionLog log = JdbcTransactionLog.builder(dataSource, "orders-1")   // this replica's node name
        .leaseDuration(Duration.ofSeconds(30))             // defaults shown
        .heartbeatInterval(Duration.ofSeconds(10))
        .claimBatchSize(100)
        .historyRetention(Duration.ofDays(7))
        .writerConnections(4)                              // groups of appends written at once
        .open();
    TccCoordinator tcc = TccCoordinator.builder().log(log).participant(shard1).participant(shard2).build();
    BackgroundRecovery recovery = BackgroundRecovery.every(Duration.ofSeconds(5), tcc); // own and dead nodes' work
    // on shutdown: recovery.close(); log.close();   // close releases the lease: peers take over at once
    // readme:end

    try {
      Outcome outcome = tcc.execute(TccTransaction.builder()
          .branch("debit-A", shard1, "A:-100")
          .branch("credit-C", shard2, "C:100")
          .build());
      assertThat(outcome).isInstanceOf(Outcome.Committed.class);
      assertThat(AccountsShard.opened("shard-2").balance("C")).isEqualTo(100);
    } finally {
      recovery.close();
      tcc.close();
      log.close();
    }
  }
}
