package dev.settle.tcc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.TransactionId;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TryRefusedException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDBC fence's behaviour, run against each real database by a subclass. */
abstract class JdbcTccFenceContract {
  final Instant now = Instant.parse("2026-01-01T00:00:00Z");
  final JdbcTccFence fence =
      JdbcTccFence.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).horizon(Duration.ofMinutes(1)).build();
  final JdbcAccounts accounts = new JdbcAccounts();
  DataSource dataSource;
  TccParticipant fenced;

  abstract DataSource dataSource();

  abstract String dialect();

  @BeforeEach
  void createTables() throws SQLException {
    dataSource = dataSource();
    try (Connection c = dataSource.getConnection()) {
      JdbcAccounts.createTables(c, dialect());
      JdbcAccounts.open(c, "A", 1_000);
    }
    fenced = fence.protect(dataSource, accounts);
  }

  TccContext ctx(String tx, long amount) {
    return new TccContext(
        TransactionId.of(tx),
        BranchId.of("b"),
        ("A:" + amount).getBytes(StandardCharsets.UTF_8),
        1,
        now.plusSeconds(30));
  }

  long[] account() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return JdbcAccounts.read(c, "A");
    }
  }

  FenceState state(String tx) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return fence.state(c, TransactionId.of(tx), BranchId.of("b")).orElse(null);
    }
  }

  @Test
  void tryThenConfirmAndTheirDuplicates() throws SQLException {
    fenced.tryReserve(ctx("t1", 100));
    fenced.tryReserve(ctx("t1", 100));
    assertThat(account()).containsExactly(900, 100);
    fenced.confirm(ctx("t1", 100));
    fenced.confirm(ctx("t1", 100));
    assertThat(account()).containsExactly(900, 0);
    assertThat(state("t1")).isEqualTo(FenceState.CONFIRMED);
  }

  @Test
  void cancelBeforeTryWritesTheFlagAndTheLateTryIsRefused() throws SQLException {
    fenced.cancel(ctx("t2", 100));
    assertThat(state("t2")).isEqualTo(FenceState.CANCELLED_BEFORE_TRY);
    assertThatThrownBy(() -> fenced.tryReserve(ctx("t2", 100)))
        .isInstanceOf(TryRefusedException.class)
        .hasMessageContaining("cancel arrived first");
    assertThat(account()).containsExactly(1_000, 0);
  }

  @Test
  void aRolledBackTryLeavesNoRowAndACommittedTryIsCompensated() throws SQLException {
    // Seata #5256: the Try's local transaction rolled back, so its Cancel must be a no-op...
    assertThatThrownBy(() -> fenced.tryReserve(ctx("t3", 5_000)))
        .isInstanceOf(ParticipantException.class)
        .hasMessageContaining("insufficient funds");
    assertThat(state("t3")).isNull();
    fenced.cancel(ctx("t3", 5_000));
    assertThat(account()).containsExactly(1_000, 0);
    // ...while a Try that committed is really compensated.
    fenced.tryReserve(ctx("t4", 300));
    fenced.cancel(ctx("t4", 300));
    fenced.cancel(ctx("t4", 300));
    assertThat(account()).containsExactly(1_000, 0);
    assertThat(state("t4")).isEqualTo(FenceState.CANCELLED);
  }

  @Test
  void contradictingCallsAreRefused() {
    assertThatThrownBy(() -> fenced.confirm(ctx("t5", 1)))
        .hasMessageContaining("confirm with no try record");
    fenced.tryReserve(ctx("t6", 1));
    fenced.confirm(ctx("t6", 1));
    assertThatThrownBy(() -> fenced.cancel(ctx("t6", 1))).hasMessageContaining("cancel after confirm");
  }

  @Test
  void racingTryAndCancelNeverDeadlockNorLeaveAReservation() throws Exception {
    int pairs = 40;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> all = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < pairs; i++) {
        TccContext ctx = ctx("race" + i, 10);
        all.add(pool.submit(() -> awaitThen(go, () -> fenced.tryReserve(ctx))));
        all.add(pool.submit(() -> awaitThen(go, () -> fenced.cancel(ctx))));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS); // a deadlock would surface here as an error or a timeout
      }
    } finally {
      pool.shutdownNow();
    }
    // Cancel may have run before its Try (flag; the Try refused) or after (compensated); a
    // Cancel that lost the race to the Try's uncommitted row retries as the coordinator would.
    for (int i = 0; i < pairs; i++) {
      TccContext ctx = ctx("race" + i, 10);
      fenced.cancel(ctx);
      assertThat(state("race" + i)).isIn(FenceState.CANCELLED, FenceState.CANCELLED_BEFORE_TRY);
    }
    assertThat(account()).containsExactly(1_000, 0);
  }

  private static Object awaitThen(CountDownLatch go, Runnable call) throws InterruptedException {
    go.await();
    try {
      call.run();
    } catch (ParticipantException expected) {
      // refused Try, or a transient conflict that a coordinator retries
    }
    return null;
  }

  @Test
  void cleanupRunsInBoundedBatchesAndKeepsPendingTries() throws SQLException {
    for (int i = 0; i < 5; i++) {
      fenced.cancel(ctx("old" + i, 1));
    }
    fenced.tryReserve(ctx("pending", 1));
    JdbcTccFence later =
        JdbcTccFence.builder()
            .clock(Clock.fixed(now.plus(Duration.ofMinutes(5)), ZoneOffset.UTC))
            .horizon(Duration.ofMinutes(1))
            .build();
    try (Connection c = dataSource.getConnection()) {
      assertThat(fence.cleanUp(c, 10)).isZero();
      assertThat(later.cleanUp(c, 2)).isEqualTo(2);
      assertThat(later.cleanUp(c, 10)).isEqualTo(3);
      assertThat(later.cleanUp(c, 10)).isZero();
    }
    assertThat(state("pending")).isEqualTo(FenceState.TRIED);
  }

  /** Every delivery order gives the same answers and the same record as the in-memory fence. */
  @Test
  void answersLikeTheInMemoryFence() throws SQLException {
    InMemoryTccFence memory = new InMemoryTccFence(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(1));
    TccParticipant inMemory = memory.protect(new FenceProperties.Account());
    java.util.Random random = new java.util.Random(11);
    for (int schedule = 0; schedule < 40; schedule++) {
      TccContext ctx = ctx("same" + schedule, 1);
      List<String> jdbcAnswers = new ArrayList<>();
      List<String> memoryAnswers = new ArrayList<>();
      for (int call = 0; call < 5; call++) {
        int kind = random.nextInt(3);
        jdbcAnswers.add(answer(fenced, kind, ctx));
        memoryAnswers.add(answer(inMemory, kind, ctx));
      }
      assertThat(jdbcAnswers).as("schedule %d", schedule).isEqualTo(memoryAnswers);
      assertThat(state("same" + schedule))
          .isEqualTo(memory.state(ctx.transactionId(), ctx.branchId()).orElse(null));
    }
  }

  private static String answer(TccParticipant p, int kind, TccContext ctx) {
    try {
      switch (kind) {
        case 0 -> p.tryReserve(ctx);
        case 1 -> p.confirm(ctx);
        default -> p.cancel(ctx);
      }
      return kind + ":ok";
    } catch (RuntimeException e) {
      return kind + ":" + e.getClass().getSimpleName();
    }
  }

  @Test
  void refusesAnAutoCommitConnection() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      assertThatThrownBy(() -> fence.tryReserve(c, ctx("t7", 1), accounts))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("turn auto-commit off");
    }
  }

  /** Runs one fence call on its own local transaction, as a participant built on the fence does. */
  private boolean onOwnTransaction(FenceCall call) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      boolean ran = call.run(c);
      c.commit();
      return ran;
    }
  }

  @FunctionalInterface
  private interface FenceCall {
    boolean run(Connection c) throws SQLException;
  }

  /**
   * Callers that use the fence directly (their own connection and commit) learn from each call
   * whether the business method ran, so they can tell a first delivery from a duplicate.
   */
  @Test
  void eachCallSaysWhetherTheBusinessMethodRan() throws SQLException {
    TccContext ctx = ctx("r1", 10);
    assertThat(onOwnTransaction(c -> fence.tryReserve(c, ctx, accounts))).as("first try").isTrue();
    assertThat(onOwnTransaction(c -> fence.tryReserve(c, ctx, accounts))).as("repeated try").isFalse();
    assertThat(onOwnTransaction(c -> fence.confirm(c, ctx, accounts))).as("first confirm").isTrue();
    assertThat(onOwnTransaction(c -> fence.confirm(c, ctx, accounts))).as("repeated confirm").isFalse();
    assertThat(account()).containsExactly(990, 0);

    TccContext cancelled = ctx("r2", 10);
    assertThat(onOwnTransaction(c -> fence.cancel(c, cancelled, accounts))).as("cancel before try").isFalse();
    TccContext tried = ctx("r3", 10);
    onOwnTransaction(c -> fence.tryReserve(c, tried, accounts));
    assertThat(onOwnTransaction(c -> fence.cancel(c, tried, accounts))).as("cancel after try").isTrue();
    assertThat(onOwnTransaction(c -> fence.cancel(c, tried, accounts))).as("repeated cancel").isFalse();
    assertThat(account()).containsExactly(990, 0);
  }

  @Test
  void confirmAndCancelRefuseAnAutoCommitConnectionToo() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      assertThatThrownBy(() -> fence.confirm(c, ctx("t8", 1), accounts))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("turn auto-commit off");
      assertThatThrownBy(() -> fence.cancel(c, ctx("t8", 1), accounts))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("turn auto-commit off");
    }
    assertThat(state("t8")).isNull();
  }

  @Test
  void cleanupCommitsWhatItDeletesAndGivesTheConnectionBackAsItWas() throws SQLException {
    fenced.cancel(ctx("gone", 1));
    JdbcTccFence later =
        JdbcTccFence.builder()
            .clock(Clock.fixed(now.plus(Duration.ofMinutes(5)), ZoneOffset.UTC))
            .horizon(Duration.ofMinutes(1))
            .build();
    try (Connection manual = dataSource.getConnection()) {
      manual.setAutoCommit(false); // a caller in the middle of its own work
      assertThat(later.cleanUp(manual, 10)).isEqualTo(1);
      assertThat(manual.getAutoCommit()).isFalse();
      assertThat(state("gone")).as("seen from another connection: committed").isNull();
    }
    fenced.cancel(ctx("gone-too", 1));
    try (Connection auto = dataSource.getConnection()) {
      assertThat(auto.getAutoCommit()).isTrue();
      assertThat(later.cleanUp(auto, 10)).isEqualTo(1);
      assertThat(auto.getAutoCommit()).isTrue();
    }
    assertThat(state("gone-too")).isNull();
  }
}
