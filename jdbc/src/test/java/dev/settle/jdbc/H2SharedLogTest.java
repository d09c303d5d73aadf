package dev.settle.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static dev.settle.jdbc.SharedLogFixture.begin;

import dev.settle.core.TransactionLogException;
import dev.settle.testsupport.UrlDataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The shared log on H2, the embedded database; plus the checks of bad input. */
class H2SharedLogTest extends SharedLogContract {
  @Override
  DataSource dataSource() {
    return h2();
  }

  private static DataSource h2() {
    return new UrlDataSource(
        "jdbc:h2:mem:log-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "");
  }

  @Test
  void badSettingsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> JdbcTransactionLog.builder(null, "node-a"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataSource must not be null");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "node a; drop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodeName must be 1 to 64 letters");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "x".repeat(65)))
        .hasMessageContaining("nodeName");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, null))
        .hasMessage("nodeName must not be null");
    assertThatThrownBy(() -> JdbcTransactionLog.schema("oracle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"postgresql\" and \"h2\", not \"oracle\"");
    assertThatThrownBy(
            () ->
                JdbcTransactionLog.builder(fx.dataSource, "node-a")
                    .leaseDuration(Duration.ofSeconds(1))
                    .heartbeatInterval(Duration.ofSeconds(1))
                    .open())
        .hasMessageContaining("heartbeatInterval (PT1S) must be shorter than leaseDuration (PT1S)");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").claimBatchSize(0))
        .hasMessage("claimBatchSize must be at least 1, was 0");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").leaseDuration(Duration.ofMillis(5)))
        .hasMessageContaining("leaseDuration must be at least");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").historyRetention(Duration.ofSeconds(-1)))
        .hasMessageContaining("historyRetention must not be negative");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").writerConnections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("writerConnections must be 1 to 64")
        .hasMessageEndingWith("was 0");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").writerConnections(65))
        .hasMessageEndingWith("was 65");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").database("oracle"))
        .hasMessageContaining("not \"oracle\"");
    assertThat(fx.keep(JdbcTransactionLog.builder(fx.dataSource, "named").database("H2").open()).node())
        .isEqualTo("named");
    assertThatThrownBy(() -> BackgroundRecovery.every(Duration.ofMillis(1)))
        .hasMessageContaining("interval must be at least 10 ms");
    assertThatThrownBy(() -> BackgroundRecovery.every(Duration.ofSeconds(1)))
        .hasMessageContaining("at least one coordinator");
  }

  @Test
  void leasesAreJudgedByTheConfiguredDatabaseClockExpression() {
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").databaseClock(" "))
        .hasMessageContaining("databaseClock must be one SQL expression");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "n").databaseClock("NOW(); DROP"))
        .hasMessageContaining("databaseClock must be one SQL expression");
    JdbcTransactionLog a = fx.live("node-a"); // lease 2 s, renewed every 100 ms: alive
    a.append(begin("on-a", "tcc"), true);
    JdbcTransactionLog now =
        fx.keep(JdbcTransactionLog.builder(fx.dataSource, "node-b").databaseClock("CURRENT_TIMESTAMP").open());
    now.claim("tcc", "test");
    assertThat(SharedLogFixture.replay(now)).isEmpty();
    assertThat(fx.owner("on-a")).isEqualTo("node-a@1");
    // A node reading a database clock an hour ahead finds node-a's lease long run out.
    JdbcTransactionLog ahead =
        fx.keep(
            JdbcTransactionLog.builder(fx.dataSource, "node-c")
                .databaseClock("DATEADD(HOUR, 1, CURRENT_TIMESTAMP)")
                .open());
    ahead.claim("tcc", "test");
    assertThat(SharedLogFixture.replay(ahead)).hasSize(1);
    assertThat(fx.owner("on-a")).isEqualTo("node-c@1");
  }

  @Test
  void aDatabaseWithoutTheTablesOrAtAnotherVersionIsRefusedWithWhatToDo() {
    DataSource empty = h2();
    assertThatThrownBy(() -> JdbcTransactionLog.builder(empty, "node-a").open())
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("tables are missing")
        .hasMessageContaining("JdbcTransactionLog.createSchema");

    fx.sql("UPDATE settle_log_version SET version = 3");
    assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "node-a").open())
        .hasMessageContaining("schema version 3")
        .hasMessageContaining("upgrade settle-jdbc");
    assertThatThrownBy(() -> JdbcTransactionLog.upgradeSchema(fx.dataSource))
        .as("an upgrade never takes tables back")
        .hasMessageContaining("schema version 3")
        .hasMessageContaining("upgrade settle-jdbc");
    assertThatThrownBy(() -> JdbcTransactionLog.upgradeScript("h2", 2))
        .as("no script past this release's version")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("upgrade-2-to-3-h2.sql");
    fx.sql("UPDATE settle_log_version SET version = 2");
  }

  @Test
  void aBrokenWriterConnectionIsReplacedWithoutFailingTheAppend() throws Exception {
    List<Connection> handedOut = new CopyOnWriteArrayList<>();
    DataSource base = fx.dataSource;
    DataSource watched =
        (DataSource)
            Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  Object result = method.invoke(base, args);
                  if (result instanceof Connection c) {
                    handedOut.add(c);
                  }
                  return result;
                });
    JdbcTransactionLog a = fx.keep(JdbcTransactionLog.builder(watched, "node-a").open());
    a.append(begin("before", "tcc"), true);
    for (Connection c : handedOut) {
      c.close(); // the writer's cached connection among them: as if the server dropped it
    }
    a.append(begin("after", "tcc"), true);
    assertThat(fx.owner("after")).isEqualTo("node-a@1");
  }

  /**
   * No database transaction carries more than {@code maxGroupSize} appends. Commits take a few
   * milliseconds here, as on a server's disk, so that appends queue up while a group is written
   * (in-memory H2 commits too fast for any group to form).
   */
  @Test
  void aGroupCarriesAtMostMaxGroupSizeAppends() throws Exception {
    for (int maxGroup : new int[] {1, 3}) {
      JdbcTransactionLog a =
          fx.keep(JdbcTransactionLog.builder(new SlowCommitDataSource(fx.dataSource, 3), "node-" + maxGroup)
              .maxGroupSize(maxGroup)
              .writerConnections(1)
              .open());
      List<Thread> threads = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        Thread appender =
            new Thread(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    a.append(begin("one-" + maxGroup + "-" + thread + "-" + i, "tcc"), true);
                  }
                });
        appender.start();
        threads.add(appender);
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(a.appendsStored()).isEqualTo(160);
      assertThat(a.commits()).as("groups of at most %s", maxGroup).isGreaterThanOrEqualTo((160 + maxGroup - 1) / maxGroup);
      if (maxGroup > 1) {
        assertThat(a.commits()).as("appends queued behind a slow commit share the next").isLessThan(160);
      }
    }
  }

  @Test
  void theSchemaShipsForBothDatabasesAndCanBeRunTwice() {
    assertThat(JdbcTransactionLog.schema("postgresql")).contains("BYTEA").contains("settle_node");
    assertThat(JdbcTransactionLog.schemaStatements("H2")).hasSize(7).allSatisfy(s -> assertThat(s).doesNotEndWith(";"));
    JdbcTransactionLog.createSchema(fx.dataSource); // again: nothing changes, nothing fails
    assertThat(fx.live("node-a").epoch()).isEqualTo(1);
  }
}
