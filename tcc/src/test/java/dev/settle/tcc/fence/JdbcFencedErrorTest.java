package dev.settle.tcc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} from JDBC business code rolls the local transaction back before it propagates
 * (issue 13, defect 13). Behind a connection pool, {@code close()} returns the connection with
 * whatever it holds, so a half-done Try left on it would be committed by the next borrower.
 */
class JdbcFencedErrorTest {
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final JdbcTccFence fence =
      JdbcTccFence.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).horizon(Duration.ofMinutes(1)).build();
  private final JdbcAccounts accounts = new JdbcAccounts();
  private Connection physical;
  private DataSource pool;

  @BeforeEach
  void openPool() throws SQLException {
    physical = DriverManager.getConnection("jdbc:h2:mem:fence-error;DB_CLOSE_DELAY=-1", "sa", "");
    pool = poolOfOne(physical);
    try (Connection c = pool.getConnection()) {
      JdbcAccounts.createTables(c, "h2");
      JdbcAccounts.open(c, "A", 1_000);
    }
  }

  @AfterEach
  void closePool() throws SQLException {
    physical.close();
  }

  private TccContext ctx(String tx, long amount) {
    return new TccContext(
        TransactionId.of(tx), BranchId.of("b"), ("A:" + amount).getBytes(StandardCharsets.UTF_8), 1, now.plusSeconds(30));
  }

  @Test
  void anErrorAfterTheBusinessChangeRollsItBackAndLeavesNothingForTheNextBorrower() throws SQLException {
    TccParticipant brokenFenced = fence.protect(pool, failingAfterTheUpdate());
    TccParticipant fenced = fence.protect(pool, accounts);

    assertThatThrownBy(() -> brokenFenced.tryReserve(ctx("t1", 100)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("bug after the update");
    assertThat(physical.getAutoCommit()).as("given back as it came, failure or not").isTrue();
    // The next borrower of the same connection commits its own Try.
    fenced.tryReserve(ctx("t2", 50));

    try (Connection c = pool.getConnection()) {
      assertThat(JdbcAccounts.read(c, "A")).containsExactly(950, 50);
      assertThat(fence.state(c, TransactionId.of("t1"), BranchId.of("b"))).isEmpty();
      assertThat(fence.state(c, TransactionId.of("t2"), BranchId.of("b"))).contains(FenceState.TRIED);
    }
  }

  /**
   * The fenced call runs its local transaction with auto-commit off, and gives the connection back
   * as it came: a pool that does not reset connections would otherwise hand the next borrower one
   * whose plain writes are never committed.
   */
  @Test
  void theConnectionGoesBackWithAutoCommitAsItCameSoTheNextBorrowersWritesAreCommitted() throws SQLException {
    TccParticipant fenced = fence.protect(pool, accounts);
    fenced.tryReserve(ctx("t1", 100));
    fenced.confirm(ctx("t1", 100));

    try (Connection next = pool.getConnection();
        var update = next.createStatement()) {
      assertThat(next.getAutoCommit()).isTrue();
      update.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 'A'");
    }
    try (Connection other = DriverManager.getConnection("jdbc:h2:mem:fence-error", "sa", "")) {
      assertThat(JdbcAccounts.read(other, "A")).containsExactly(901, 0);
    }
  }

  /**
   * A rollback that fails leaves auto-commit off: switching it back on would commit the half-done
   * change (and its fence row) the rollback was meant to undo.
   */
  @Test
  void aRollbackThatFailsIsNotFollowedBySwitchingAutoCommitOnWhichWouldCommitTheHalfDoneChange()
      throws SQLException {
    java.util.concurrent.atomic.AtomicBoolean failRollback = new java.util.concurrent.atomic.AtomicBoolean(true);
    DataSource stubbornPool = poolOfOne(physical, (method, args) -> {
      if (method.equals("rollback") && failRollback.getAndSet(false)) {
        throw new SQLException("rollback lost", "08006");
      }
    });
    JdbcTccParticipant broken = failingAfterTheUpdate();
    assertThatThrownBy(() -> fence.protect(stubbornPool, broken).tryReserve(ctx("t1", 100)))
        .isInstanceOf(AssertionError.class)
        .hasMessage("bug after the update")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).contains("rollback lost"));
    try (Connection other = DriverManager.getConnection("jdbc:h2:mem:fence-error", "sa", "")) {
      assertThat(JdbcAccounts.read(other, "A")).as("nothing of the failed Try committed").containsExactly(1_000, 0);
    }
    physical.rollback();
    physical.setAutoCommit(true);
  }

  /** A Try that committed succeeded, even if its connection then cannot switch auto-commit back. */
  @Test
  void aCommittedCallSucceedsEvenIfItsConnectionCannotSwitchAutoCommitBack() throws SQLException {
    java.util.concurrent.atomic.AtomicInteger switches = new java.util.concurrent.atomic.AtomicInteger();
    DataSource pool = poolOfOne(physical, (method, args) -> {
      if (method.equals("setAutoCommit") && switches.incrementAndGet() == 2) {
        throw new SQLException("connection reset", "08006");
      }
    });
    fence.protect(pool, accounts).tryReserve(ctx("t1", 100));
    try (Connection other = DriverManager.getConnection("jdbc:h2:mem:fence-error", "sa", "")) {
      assertThat(JdbcAccounts.read(other, "A")).containsExactly(900, 100);
    }
  }

  private JdbcTccParticipant failingAfterTheUpdate() {
    return new JdbcTccParticipant() {
      @Override
      public void tryReserve(Connection c, TccContext ctx) throws SQLException {
        accounts.tryReserve(c, ctx);
        throw new AssertionError("bug after the update");
      }

      @Override
      public void confirm(Connection c, TccContext ctx) throws SQLException {
        accounts.confirm(c, ctx);
      }

      @Override
      public void cancel(Connection c, TccContext ctx) throws SQLException {
        accounts.cancel(c, ctx);
      }
    };
  }

  /** Runs before each call on the pooled connection; may throw to fail it. */
  @FunctionalInterface
  private interface Interference {
    void before(String method, Object[] args) throws SQLException;
  }

  private static DataSource poolOfOne(Connection physical) {
    return poolOfOne(physical, (method, args) -> {});
  }

  /** A pool of one connection whose {@code close()} hands it back without touching it. */
  private static DataSource poolOfOne(Connection physical, Interference interference) {
    Connection borrowed =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("close")) {
                    return null;
                  }
                  interference.before(method.getName(), args);
                  try {
                    return method.invoke(physical, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                return borrowed;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
