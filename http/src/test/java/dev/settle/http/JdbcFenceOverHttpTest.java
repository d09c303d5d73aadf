package dev.settle.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TryRefusedException;
import dev.settle.tcc.fence.FenceState;
import dev.settle.tcc.fence.JdbcTccFence;
import dev.settle.tcc.fence.JdbcTccParticipant;
import dev.settle.testkit.VirtualClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An endpoint serving a participant fenced in its own database (H2), the fence row in the same transaction. */
class JdbcFenceOverHttpTest {
  private final JdbcDataSource dataSource = new JdbcDataSource();
  private final VirtualClock clock = new VirtualClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
  private final JdbcTccFence fence = JdbcTccFence.builder().clock(clock).build();
  private final JdkHttpServerEndpoint server;
  private final RemoteTccParticipant remote;

  JdbcFenceOverHttpTest() throws SQLException {
    dataSource.setURL("jdbc:h2:mem:http-fence-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String ddl : JdbcTccFence.schema("h2").split(";")) {
        if (!ddl.replaceAll("(?m)^--.*$", "").isBlank()) {
          s.execute(ddl);
        }
      }
      s.execute("CREATE TABLE accounts (id VARCHAR(16) PRIMARY KEY, balance BIGINT, reserved BIGINT)");
      s.execute("INSERT INTO accounts VALUES ('A', 100, 0)");
    }
    ParticipantEndpoint endpoint =
        ParticipantEndpoint.builder()
            .tcc(fence, dataSource, new Debits())
            .saga(fence, dataSource, new DebitStep())
            .build();
    server = JdkHttpServerEndpoint.start(new InetSocketAddress("127.0.0.1", 0), endpoint, 2);
    remote =
        RemoteTccParticipant.builder("debits", URI.create(server.uri() + "/debits"))
            .callTimeout(Duration.ofSeconds(2))
            .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TccContext ctx(String tx, long amount) {
    return new TccContext(
        TransactionId.of(tx), BranchId.of("b"), ("A:" + amount).getBytes(UTF_8), 1, clock.instant().plusSeconds(60));
  }

  @Test
  void tryAndConfirmCommitWithTheirFenceRowsAndRepeatsAreNoOps() throws SQLException {
    TccContext c = ctx("tx-1", 30);
    remote.tryReserve(c);
    remote.tryReserve(c);
    assertThat(row()).containsExactly(70, 30);
    remote.confirm(c);
    remote.confirm(c);
    assertThat(row()).containsExactly(70, 0);
    assertThat(state("tx-1")).isEqualTo(FenceState.CONFIRMED);
  }

  @Test
  void aTryAfterItsCancelIsRefusedAndABusinessRefusalLeavesNothing() throws SQLException {
    TccContext c = ctx("tx-2", 30);
    remote.cancel(c);
    assertThatThrownBy(() -> remote.tryReserve(c)).isInstanceOf(TryRefusedException.class);
    assertThat(row()).containsExactly(100, 0);
    assertThat(state("tx-2")).isEqualTo(FenceState.CANCELLED_BEFORE_TRY);

    assertThatThrownBy(() -> remote.tryReserve(ctx("tx-3", 500)))
        .isInstanceOf(ParticipantException.class)
        .isNotInstanceOf(ParticipantTimeoutException.class)
        .hasMessageContaining("422");
    assertThat(row()).containsExactly(100, 0);
  }

  @Test
  void aLateRepeatOfAnAppliedTryIsDoneBecauseTheFenceJudgesIt() throws Exception {
    TccContext soon = ctx("tx-4", 5);
    TccContext neverRan = ctx("tx-late", 5);
    remote.tryReserve(soon);
    clock.advance(Duration.ofMinutes(2)); // both deadlines have passed
    remote.tryReserve(soon); // the endpoint leaves the deadline to the fence, which has the row
    assertThatThrownBy(() -> remote.tryReserve(neverRan)).isInstanceOf(TryRefusedException.class);
    assertThat(row()).containsExactly(95, 5);
  }

  @Test
  void aSagaStepInTheDatabaseIsFencedInItsOwnTransaction() throws SQLException {
    RemoteSagaStep step =
        RemoteSagaStep.builder(URI.create(server.uri() + "/debit-step"))
            .callTimeout(Duration.ofSeconds(2))
            .build();
    dev.settle.saga.spi.SagaContext ctx = sagaContext("tx-5");
    step.action().run(ctx);
    step.action().run(ctx);
    assertThat(row()).containsExactly(90, 0);
    step.compensation().run(ctx);
    step.compensation().run(ctx);
    assertThat(row()).containsExactly(100, 0);
    // A compensation before its action: the late action never runs, and its caller hears
    // "unknown" (so a saga would compensate, which the fence makes a no-op).
    dev.settle.saga.spi.SagaContext other = sagaContext("tx-6");
    step.compensation().run(other);
    assertThatThrownBy(() -> step.action().run(other)).isInstanceOf(ParticipantTimeoutException.class);
    assertThat(row()).containsExactly(100, 0);
  }

  private static dev.settle.saga.spi.SagaContext sagaContext(String tx) {
    return new dev.settle.saga.spi.SagaContext() {
      @Override
      public TransactionId transactionId() {
        return TransactionId.of(tx);
      }

      @Override
      public BranchId step() {
        return BranchId.of("debit");
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public <T> T get(dev.settle.saga.spi.SagaKey<T> key) {
        throw new IllegalStateException("no values");
      }

      @Override
      public <T> java.util.Optional<T> find(dev.settle.saga.spi.SagaKey<T> key) {
        return java.util.Optional.empty();
      }

      @Override
      public <T> void put(dev.settle.saga.spi.SagaKey<T> key, T value) {}
    };
  }

  /** Debits A by 10 (the step's payload is empty), and credits it back. */
  private static final class DebitStep implements JdbcStepService {
    @Override
    public String name() {
      return "debit-step";
    }

    @Override
    public void action(Connection c, StepCall call) throws SQLException {
      c.createStatement().executeUpdate("UPDATE accounts SET balance = balance - 10");
    }

    @Override
    public void compensate(Connection c, StepCall call) throws SQLException {
      c.createStatement().executeUpdate("UPDATE accounts SET balance = balance + 10");
    }
  }

  private long[] row() throws SQLException {
    try (Connection c = dataSource.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT balance, reserved FROM accounts")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  private FenceState state(String tx) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return fence.state(c, TransactionId.of(tx), BranchId.of("b")).orElseThrow();
    }
  }

  /** Debits account A: Try reserves, Confirm keeps, Cancel gives back. */
  private static final class Debits implements JdbcTccParticipant {
    @Override
    public String name() {
      return "debits";
    }

    private static long amount(TccContext ctx) {
      return Long.parseLong(new String(ctx.payload(), UTF_8).split(":")[1]);
    }

    private static void update(Connection c, String sql, long amount) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, amount);
        ps.setLong(2, amount);
        if (ps.executeUpdate() != 1) {
          throw new SQLException("insufficient funds");
        }
      }
    }

    @Override
    public void tryReserve(Connection c, TccContext ctx) throws SQLException {
      update(c, "UPDATE accounts SET balance = balance - ?, reserved = reserved + ? WHERE balance >= "
          + amount(ctx), amount(ctx));
    }

    @Override
    public void confirm(Connection c, TccContext ctx) throws SQLException {
      update(c, "UPDATE accounts SET reserved = reserved - ?, balance = balance + 0 * ?", amount(ctx));
    }

    @Override
    public void cancel(Connection c, TccContext ctx) throws SQLException {
      update(c, "UPDATE accounts SET reserved = reserved - ?, balance = balance + ?", amount(ctx));
    }
  }
}
