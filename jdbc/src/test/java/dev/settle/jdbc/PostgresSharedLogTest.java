package dev.settle.jdbc;

import dev.settle.core.OwnershipLostException;
import static dev.settle.jdbc.SharedLogFixture.begin;
import static dev.settle.jdbc.SharedLogFixture.replay;
import static dev.settle.jdbc.SharedLogFixture.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.LogRecord;
import dev.settle.testsupport.ThrowawayPostgres;
import dev.settle.testsupport.UrlDataSource;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The shared log on a real PostgreSQL server, the reference database. */
class PostgresSharedLogTest extends SharedLogContract {
  @Override
  DataSource dataSource() {
    ThrowawayPostgres pg = ThrowawayPostgres.get();
    return new UrlDataSource(pg.database("sharedlog"), pg.user(), pg.password());
  }

  /**
   * A node frozen between its last statement and its commit keeps its transaction open, and the
   * row it updated locked; the claim skips locked rows, so without a bound a frozen node would
   * keep its transactions from every peer for as long as it stays frozen. PostgreSQL ends such a
   * session once it has sat in its open transaction for a lease, the lock goes with it, and a
   * peer takes the transaction over. The frozen node, woken, learns it lost the transaction.
   */
  @Test
  void aNodeFrozenInTheMiddleOfAWriteDoesNotKeepItsTransactionsFromPeers() throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofSeconds(1), freezing);
    TransactionId tx = new TransactionId("frozen-mid-write");
    a.append(begin(tx.value(), "tcc"), true);
    freezing.freezeNextCommit();
    CompletableFuture<Void> late =
        CompletableFuture.runAsync(() -> a.append(new LogRecord.Decided(tx, Decision.COMMIT), true));
    assertThat(freezing.awaitFrozen(10)).as("node-a's write reached its commit").isTrue();

    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (replay(b).isEmpty()) {
        assertThat(System.nanoTime())
            .as("node-b never took over the transaction node-a froze in the middle of writing")
            .isLessThan(deadline);
        sleep(Duration.ofMillis(100));
      }
      assertThat(fx.owner(tx.value())).isEqualTo("node-b@" + b.epoch());
    } finally {
      freezing.thaw();
    }
    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(OwnershipLostException.class);
    assertThat(b.decision(tx)).as("the frozen write never landed").isEmpty();
  }
}
