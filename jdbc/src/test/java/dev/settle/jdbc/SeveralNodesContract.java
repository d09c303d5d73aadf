package dev.settle.jdbc;

import dev.settle.core.OwnershipLostException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionLogException;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three coordinator nodes over one shared log, running TCC transfers at once while their
 * phase-two calls fail now and then, nodes crash (abandoning their log without releasing the
 * lease) and restart under the same name, and nodes pause longer than their lease and then go on
 * writing. Once the faults stop and a last node sweeps up, every transaction has ended, each with
 * one decision that every branch applied, and every outcome a node reported matches it.
 */
abstract class SeveralNodesContract {
  private static final Duration LEASE = Duration.ofMillis(400);
  private static final long SEED = 20261128L;

  private DataSource dataSource;
  private SharedLogFixture fx;
  private final Map<String, Set<String>> confirmed = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> cancelled = new ConcurrentHashMap<>();
  private volatile boolean faults = true;

  abstract DataSource dataSource();

  @BeforeEach
  void setUp() {
    dataSource = dataSource();
    fx = new SharedLogFixture(dataSource);
  }

  @AfterEach
  void tearDown() {
    fx.closeAll();
  }

  @Test
  void crashesPausesAndTakeoversKeepOneDecisionAtomicityTerminationAndTruthfulOutcomes()
      throws Exception {
    Map<String, Outcome> reported = new ConcurrentHashMap<>();
    Set<String> lost = ConcurrentHashMap.newKeySet();
    AtomicInteger crashes = new AtomicInteger();
    AtomicInteger pauses = new AtomicInteger();
    List<CompletableFuture<Void>> runs =
        List.of("node-1", "node-2", "node-3").stream()
            .map(
                name ->
                    CompletableFuture.runAsync(
                        () -> run(name, new Random(SEED + name.hashCode()), reported, lost, crashes, pauses)))
            .toList();
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

    faults = false;
    SharedLogFixture.sleep(LEASE.multipliedBy(2)); // every abandoned or paused node's lease runs out
    JdbcTransactionLog sweeperLog = fx.live("sweeper");
    TccCoordinator sweeper = coordinator(sweeperLog, "sweeper");
    for (int round = 0; round < 50 && unfinished() > 0; round++) {
      sweeper.recover();
    }

    assertThat(unfinished()).as("termination: unfinished transactions").isZero();
    assertThat(crashes.get() + pauses.get()).as("faults the run went through").isPositive();
    Map<String, String> decisions = decisions();
    assertThat(decisions).hasSizeGreaterThanOrEqualTo(reported.size());
    decisions.forEach(
        (tx, decision) -> {
          for (String branch : List.of("debit", "credit")) {
            boolean done = confirmed.getOrDefault(branch, Set.of()).contains(tx);
            boolean undone = cancelled.getOrDefault(branch, Set.of()).contains(tx);
            if ("C".equals(decision)) {
              assertThat(done && !undone).as("atomicity: %s confirmed on %s", tx, branch).isTrue();
            } else {
              assertThat(done).as("atomicity: %s rolled back, yet confirmed on %s", tx, branch).isFalse();
            }
          }
        });
    reported.forEach(
        (tx, outcome) -> {
          if (outcome instanceof Outcome.Committed) {
            assertThat(decisions.get(tx)).as("truthful outcome of %s", tx).isEqualTo("C");
          } else if (outcome instanceof Outcome.RolledBack) {
            assertThat(decisions.get(tx)).as("truthful outcome of %s", tx).isNotEqualTo("C");
          }
        });
    assertThat(lost).doesNotContainAnyElementsOf(reported.keySet());
  }

  /** One node's life: transfers, now and then a crash and restart, once a long pause. */
  private void run(
      String name,
      Random random,
      Map<String, Outcome> reported,
      Set<String> lost,
      AtomicInteger crashes,
      AtomicInteger pauses) {
    Incarnation node = new Incarnation(name);
    boolean paused = false;
    for (int i = 0; i < 60; i++) {
      double roll = random.nextDouble();
      if (roll < 0.04) {
        crashes.incrementAndGet();
        node.crash();
        node = new Incarnation(name);
      } else if (roll < 0.07 && !paused) {
        // A pause longer than the lease: peers take over; this node then goes on writing.
        pauses.incrementAndGet();
        paused = true;
        node.stopHeartbeat();
        SharedLogFixture.sleep(LEASE.multipliedBy(2));
      }
      try {
        Outcome outcome =
            node.tcc.execute(
                TccTransaction.builder()
                    .branch("debit", node.participant("debit"), "A:-1")
                    .branch("credit", node.participant("credit"), "C:1")
                    .build());
        reported.put(outcome.transactionId().value(), outcome);
      } catch (OwnershipLostException e) {
        if (e.lostTransaction() != null) {
          lost.add(e.lostTransaction().value());
        }
        if (e.lostTransaction() == null || paused) {
          node.crash(); // superseded or lost its lease for good: restart, as an operator would
          node = new Incarnation(name);
          paused = false;
        }
      } catch (TransactionLogException e) {
        // The log refused for another reason (a duplicate id cannot occur here): nothing to report.
      }
    }
    node.closeGracefully();
  }

  /** One start of a node: its log, heartbeat, coordinator and background recovery. */
  private final class Incarnation {
    final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
    final JdbcTransactionLog log;
    final TccCoordinator tcc;
    final BackgroundRecovery recovery;
    final Map<String, TccParticipant> participants = new HashMap<>();

    Incarnation(String name) {
      log =
          JdbcTransactionLog.builder(dataSource, name)
              .leaseDuration(LEASE)
              .heartbeatInterval(Duration.ofMillis(100))
              .heartbeatScheduler(heartbeat)
              .open();
      tcc = coordinator(log, name);
      recovery = BackgroundRecovery.every(Duration.ofMillis(150), tcc);
    }

    TccParticipant participant(String branch) {
      return participants.computeIfAbsent(branch, b -> new Flaky(b, new Random(SEED ^ b.hashCode())));
    }

    void stopHeartbeat() {
      recovery.close();
      heartbeat.shutdownNow();
    }

    /** Gone without a word: no lease release, nothing closed. */
    void crash() {
      stopHeartbeat();
    }

    void closeGracefully() {
      stopHeartbeat();
      log.close();
    }
  }

  private TccCoordinator coordinator(JdbcTransactionLog log, String node) {
    return TccCoordinator.builder()
        .log(log)
        .nodeName(node.length() > 16 ? node.substring(0, 16) : node)
        .phaseTwoRetry(RetryPolicy.none())
        .participant(new Flaky("debit", new Random(SEED)))
        .participant(new Flaky("credit", new Random(SEED + 1)))
        .build();
  }

  /** One branch's resource: idempotent confirm and cancel that fail now and then. */
  private final class Flaky implements TccParticipant {
    private final String name;
    private final Random random;

    Flaky(String name, Random random) {
      this.name = name;
      this.random = random;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      fail("confirm");
      confirmed.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(context.transactionId().value());
    }

    @Override
    public void cancel(TccContext context) {
      fail("cancel");
      cancelled.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(context.transactionId().value());
    }

    private void fail(String what) {
      boolean now;
      synchronized (random) {
        now = faults && random.nextDouble() < 0.1;
      }
      if (now) {
        throw new IllegalStateException(what + " on " + name + " unavailable");
      }
    }
  }

  private long unfinished() {
    return query("SELECT COUNT(*) FROM settle_tx WHERE ended = FALSE", rs -> rs.getLong(1)).get(0);
  }

  private Map<String, String> decisions() {
    Map<String, String> decisions = new HashMap<>();
    query(
        "SELECT tx_id, decision FROM settle_tx",
        rs -> decisions.put(rs.getString(1), String.valueOf(rs.getString(2)).trim()));
    return decisions;
  }

  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<T> rows = new java.util.ArrayList<>();
      while (rs.next()) {
        rows.add(row.read(rs));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
