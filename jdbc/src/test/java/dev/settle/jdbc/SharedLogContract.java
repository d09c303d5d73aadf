package dev.settle.jdbc;

import dev.settle.core.OwnershipLostException;
import static dev.settle.jdbc.SharedLogFixture.begin;
import static dev.settle.jdbc.SharedLogFixture.replay;
import static dev.settle.jdbc.SharedLogFixture.sleep;
import static dev.settle.jdbc.SharedLogFixture.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.DuplicateTransactionIdException;
import dev.settle.core.LogClaimedException;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.tcc.TccCoordinator;
import java.time.Duration;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the shared log must do on every database it supports. */
abstract class SharedLogContract {
  SharedLogFixture fx;

  abstract DataSource dataSource();

  @BeforeEach
  void setUp() {
    fx = new SharedLogFixture(dataSource());
  }

  @AfterEach
  void tearDown() {
    fx.closeAll();
  }

  @Test
  void tccTransactionsRoundTripAndAnUnfinishedOneIsRecoveredAfterARestart() throws Exception {
    JdbcTransactionLog a = fx.live("node-a");
    Account x = new Account("x");
    Account y = new Account("y");
    TccCoordinator coordinator = fx.tcc(a, x, y);

    Outcome committed = coordinator.execute(transfer(x, y));
    assertThat(committed).isInstanceOf(Outcome.Committed.class);
    assertThat(a.decision(committed.transactionId())).contains(Decision.COMMIT);

    y.failConfirms.set(true);
    Outcome stuck = coordinator.execute(transfer(x, y));
    assertThat(stuck).isInstanceOf(Outcome.InDoubt.class);
    assertThat(replay(a)).extracting(LogRecord::transactionId).containsOnly(stuck.transactionId());

    a.close();
    JdbcTransactionLog restarted = fx.live("node-a");
    assertThat(restarted.epoch()).isEqualTo(a.epoch() + 1);
    y.failConfirms.set(false);
    List<Outcome> recovered = fx.tcc(restarted, x, y).recover();

    assertThat(recovered).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(y.confirmed).contains(stuck.transactionId().value());
    assertThat(replay(restarted)).isEmpty();
  }

  @Test
  void everyNodeTellsTheDecisionOfTransactionsItDoesNotOwnOrThatEnded() {
    JdbcTransactionLog a = fx.live("node-a");
    JdbcTransactionLog c = fx.live("node-c");
    Account x = new Account("x");
    Account y = new Account("y");
    Outcome committed = fx.tcc(a, x, y).execute(transfer(x, y));
    TransactionId running = new TransactionId("running-on-c");
    c.append(List.of(begin(running.value(), "tcc"), new LogRecord.Decided(running, Decision.ROLLBACK)), true);

    TccCoordinator onB = fx.tcc(fx.live("node-b"), new Account("x"), new Account("y"));
    assertThat(onB.decisionFor(committed.transactionId())).contains(Decision.COMMIT);
    assertThat(onB.decisionFor(running)).contains(Decision.ROLLBACK);
    assertThat(onB.decisionFor(new TransactionId("never-seen"))).isEmpty();
  }

  @Test
  void aSagaLeftUnfinishedByADeadNodeIsCompensatedByAnother() {
    AtomicInteger compensations = new AtomicInteger();
    AtomicInteger failingCompensations = new AtomicInteger(1);
    SagaDefinition transfer =
        SagaDefinition.builder("transfer")
            .step(
                "debit",
                ctx -> {},
                ctx -> {
                  if (failingCompensations.getAndDecrement() > 0) {
                    throw new IllegalStateException("compensation unavailable");
                  }
                  compensations.incrementAndGet();
                })
            .step(
                "credit",
                ctx -> {
                  throw new IllegalStateException("credit refused");
                },
                ctx -> {})
            .build();
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(300));
    SagaCoordinator onA =
        SagaCoordinator.builder().log(a).definition(transfer).phaseTwoRetry(RetryPolicy.none()).build();
    Outcome stuck = onA.execute(SagaRequest.of(transfer));
    assertThat(stuck).isInstanceOf(Outcome.InDoubt.class);

    sleep(Duration.ofMillis(400));
    JdbcTransactionLog b = fx.live("node-b");
    SagaCoordinator onB = SagaCoordinator.builder().log(b).definition(transfer).build();
    List<Outcome> recovered = onB.recover();

    assertThat(recovered).singleElement().isInstanceOf(Outcome.RolledBack.class);
    assertThat(compensations).hasValue(1);
    assertThat(fx.owner(stuck.transactionId().value())).isEqualTo("node-b@" + b.epoch());
    assertThat(b.decision(stuck.transactionId())).contains(Decision.ROLLBACK);
  }

  @Test
  void aLivePeersTransactionsAreLeftAloneThenTakenOverOnceItsLeaseRunsOutAndItsLateWritesAreRefused()
      throws Exception {
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofSeconds(1));
    Account x = new Account("x");
    Account y = new Account("y");
    y.holdConfirm = new CountDownLatch(1);
    TccCoordinator onA = fx.tcc(a, x, y);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Outcome> running = caller.submit(() -> onA.execute(transfer(x, y)));
      assertThat(y.confirmEntered.await(10, TimeUnit.SECONDS)).isTrue(); // COMMIT is logged
      TransactionId tx = new TransactionId(y.tried.iterator().next());

      JdbcTransactionLog b = fx.live("node-b");
      Account x2 = new Account("x");
      Account y2 = new Account("y");
      TccCoordinator onB = fx.tcc(b, x2, y2);
      assertThat(onB.recover()).as("a live peer's transaction is not taken").isEmpty();
      assertThat(fx.owner(tx.value())).isEqualTo("node-a@" + a.epoch());

      sleep(Duration.ofMillis(1200)); // node-a's lease runs out: no heartbeat renews it
      List<Outcome> taken = onB.recover();
      assertThat(taken).singleElement().isInstanceOf(Outcome.Committed.class);
      assertThat(y2.confirmed).containsExactly(tx.value());
      assertThat(fx.owner(tx.value())).isEqualTo("node-b@" + b.epoch());

      y.holdConfirm.countDown(); // node-a wakes up and tries to log the end of its transaction
      assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(OwnershipLostException.class);
      assertThatThrownBy(() -> a.append(new LogRecord.Decided(tx, Decision.ROLLBACK), true))
          .isInstanceOfSatisfying(
              OwnershipLostException.class,
              e -> {
                assertThat(e.lostTransaction()).isEqualTo(tx);
                assertThat(e).hasMessageContaining("node node-b");
              });
      assertThat(b.decision(tx)).contains(Decision.COMMIT);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aNodeForgetsTheTransactionsItLostTellsOfEachOnceAndStillRecoversItsOwn() {
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(500));
    Account x = new Account("x");
    Account y = new Account("y");
    y.failConfirms.set(true);
    List<TransactionEvent> events = new CopyOnWriteArrayList<>();
    TccCoordinator onA = fx.tcc(a, events::add, x, y);
    Outcome first = onA.execute(transfer(x, y));
    Outcome second = onA.execute(transfer(x, y));
    assertThat(List.of(first, second)).allMatch(o -> o instanceof Outcome.InDoubt);

    sleep(Duration.ofMillis(700)); // node-a's lease runs out; node-b takes both over
    TccCoordinator onB = fx.tcc(fx.live("node-b"), new Account("x"), new Account("y"));
    assertThat(onB.recover()).hasSize(2).allMatch(o -> o instanceof Outcome.Committed);

    Outcome own = onA.execute(transfer(x, y)); // its Begin renews node-a's lease
    assertThat(own).isInstanceOf(Outcome.InDoubt.class);
    y.failConfirms.set(false);
    assertThat(onA.recover())
        .as("no outcome for what node-b owns; node-a's own transaction still recovered")
        .singleElement()
        .satisfies(o -> assertThat(o).isInstanceOf(Outcome.Committed.class))
        .extracting(Outcome::transactionId)
        .isEqualTo(own.transactionId());
    assertThat(lostEvents(events))
        .containsExactlyInAnyOrder(first.transactionId(), second.transactionId());

    int confirmsSoFar = y.confirmed.size();
    assertThat(onA.recover()).as("a forgotten transaction is never driven again").isEmpty();
    assertThat(y.confirmed).hasSize(confirmsSoFar);
    assertThat(lostEvents(events)).hasSize(2);
  }

  private static List<TransactionId> lostEvents(List<TransactionEvent> events) {
    return events.stream()
        .filter(e -> e.type() == EventType.OWNERSHIP_LOST)
        .map(TransactionEvent::transactionId)
        .toList();
  }

  @Test
  void twoNodesClaimingAtOnceNeverBothOwnATransaction() throws Exception {
    JdbcTransactionLog dead = fx.dying("node-d", Duration.ofMillis(200));
    Set<TransactionId> all = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      TransactionId tx = new TransactionId("claim-" + i);
      dead.append(begin(tx.value(), "tcc"), true);
      all.add(tx);
    }
    sleep(Duration.ofMillis(300));
    List<JdbcTransactionLog> claimers = new ArrayList<>();
    for (String node : List.of("node-b", "node-c")) {
      JdbcTransactionLog log =
          fx.keep(
              JdbcTransactionLog.builder(fx.dataSource, node)
                  .leaseDuration(Duration.ofSeconds(5))
                  .heartbeatInterval(Duration.ofMillis(200))
                  .claimBatchSize(7)
                  .open());
      log.claim("tcc", "test");
      claimers.add(log);
    }
    List<Set<TransactionId>> seen = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      JdbcTransactionLog log = claimers.get(n);
      Set<TransactionId> mine = seen.get(n);
      runs.add(
          CompletableFuture.runAsync(
              () -> {
                await(start);
                for (int round = 0; round < 15; round++) {
                  log.replay(r -> mine.add(r.transactionId()));
                }
              }));
    }
    start.countDown();
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    Set<TransactionId> both = new HashSet<>(seen.get(0));
    both.retainAll(seen.get(1));
    assertThat(both).as("transactions both nodes replayed as their own").isEmpty();
    Set<TransactionId> union = new HashSet<>(seen.get(0));
    union.addAll(seen.get(1));
    assertThat(union).isEqualTo(all);
    for (TransactionId tx : seen.get(0)) {
      assertThat(fx.owner(tx.value())).startsWith("node-b@");
    }
    assertThatThrownBy(() -> dead.append(new LogRecord.End(new TransactionId("claim-0")), false))
        .isInstanceOf(OwnershipLostException.class);
  }

  @Test
  void eachReplayTakesOverAtMostOneClaimBatch() {
    JdbcTransactionLog dead = fx.dying("node-d", Duration.ofMillis(200));
    for (int i = 0; i < 10; i++) {
      dead.append(begin("batch-" + i, "tcc"), true);
    }
    sleep(Duration.ofMillis(300));
    JdbcTransactionLog b =
        fx.keep(JdbcTransactionLog.builder(fx.dataSource, "node-b").claimBatchSize(4).open());
    b.claim("tcc", "test");

    List<Integer> owned = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      owned.add(replay(b).size());
    }
    assertThat(owned).containsExactly(4, 8, 10, 10);
  }

  @Test
  void aContradictingDecisionIsRefusedByTheDatabase() {
    JdbcTransactionLog a = fx.live("node-a");
    TransactionId tx = new TransactionId("decided-once");
    a.append(List.of(begin(tx.value(), "tcc"), new LogRecord.Decided(tx, Decision.COMMIT)), true);

    assertThatThrownBy(() -> a.append(new LogRecord.Decided(tx, Decision.ROLLBACK), true))
        .isInstanceOfSatisfying(
            ConflictingDecisionException.class, e -> assertThat(e.stored()).isEqualTo(Decision.COMMIT));
    assertThatThrownBy(
            () ->
                a.append(
                    List.of(
                        new LogRecord.Decided(new TransactionId("other"), Decision.COMMIT),
                        new LogRecord.Decided(new TransactionId("other"), Decision.ROLLBACK)),
                    true))
        .isInstanceOf(ConflictingDecisionException.class);
    a.append(new LogRecord.Decided(tx, Decision.COMMIT), true); // the same decision again is harmless
    assertThat(a.decision(tx)).contains(Decision.COMMIT);
    assertThat(LogReplay.all(a).get(tx).decision()).isEqualTo(Decision.COMMIT);
  }

  @Test
  void aReusedIdIsRefusedOnEveryNodeAndNothingRuns() {
    JdbcTransactionLog a = fx.live("node-a");
    JdbcTransactionLog b = fx.live("node-b");
    TransactionId tx = new TransactionId("order-42");
    a.append(begin(tx.value(), "tcc"), true);

    assertThatThrownBy(() -> a.append(begin(tx.value(), "tcc"), true))
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.ended()).isFalse());
    assertThatThrownBy(() -> a.append(List.of(begin("fresh", "tcc"), begin(tx.value(), "tcc")), true))
        .as("an append of several transactions names the one whose id is taken, and stores nothing")
        .isInstanceOfSatisfying(
            DuplicateTransactionIdException.class, e -> assertThat(e.transactionId()).isEqualTo(tx));
    assertThat(fx.owner("fresh")).isEqualTo("none");
    a.append(List.of(new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.End(tx)), false);
    assertThatThrownBy(() -> b.append(begin(tx.value(), "saga"), true))
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.ended()).isTrue());

    Account x = new Account("x");
    Account y = new Account("y");
    TccCoordinator onB =
        TccCoordinator.builder().log(b).participant(x).participant(y).idGenerator(() -> tx).build();
    assertThatThrownBy(() -> onB.execute(transfer(x, y)))
        .isInstanceOf(DuplicateTransactionIdException.class);
    assertThat(x.tried).isEmpty();
  }

  @Test
  void endedTransactionsAreKeptForTheRetentionThenPurgedInBoundedBatches() {
    JdbcTransactionLog keeping = fx.live("node-k");
    JdbcTransactionLog a =
        fx.keep(
            JdbcTransactionLog.builder(fx.dataSource, "node-a")
                .historyRetention(Duration.ZERO)
                .historyBatchSize(3)
                .heartbeatInterval(Duration.ofSeconds(20))
                .open());
    for (int i = 0; i < 7; i++) {
      TransactionId tx = new TransactionId("ended-" + i);
      a.append(
          List.of(begin(tx.value(), "tcc"), new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.End(tx)),
          true);
    }
    a.append(begin("open-1", "tcc"), true);
    assertThat(keeping.purgeHistory()).as("a week's retention keeps them").isZero();
    assertThat(a.records(new TransactionId("ended-0")))
        .extracting(r -> r.getClass().getSimpleName())
        .containsExactly("Begin", "Decided", "End");
    sleep(Duration.ofMillis(20));

    assertThat(List.of(a.purgeHistory(), a.purgeHistory(), a.purgeHistory(), a.purgeHistory()))
        .containsExactly(3, 3, 1, 0);
    assertThat(a.decision(new TransactionId("ended-0"))).isEmpty();
    assertThat(replay(a)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("open-1"));
  }

  /**
   * The log shares the application's pool, so every connection it takes goes back as it came:
   * auto-commit as it was handed out, the session's settings untouched, no statement left open,
   * and none kept once the log is closed. Several pools do not reset what they are given back by
   * default; a connection left with auto-commit off would make the next borrower's writes vanish
   * uncommitted when it is given back in turn.
   */
  @Test
  void everyConnectionGoesBackToThePoolAsItCameAndNoneIsKeptAfterClose() throws Exception {
    LoanRecordingDataSource pool = new LoanRecordingDataSource(fx.dataSource);
    JdbcTransactionLog.createSchema(pool);
    JdbcTransactionLog.upgradeSchema(pool);
    Account x = new Account("x");
    Account y = new Account("y");
    JdbcTransactionLog dead = fx.dying("node-dead", Duration.ofMillis(300), pool);
    y.failConfirms.set(true);
    Outcome stuck = fx.tcc(dead, x, y).execute(transfer(x, y));
    assertThat(stuck).isInstanceOf(Outcome.InDoubt.class);
    y.failConfirms.set(false);

    JdbcTransactionLog a =
        JdbcTransactionLog.builder(pool, "node-a")
            .historyRetention(Duration.ZERO)
            .heartbeatInterval(Duration.ofMillis(50))
            .writerConnections(2)
            .open();
    TccCoordinator onA = fx.tcc(a, x, y);
    for (int i = 0; i < 3; i++) {
      assertThat(onA.execute(transfer(x, y))).isInstanceOf(Outcome.Committed.class);
    }
    runAtOnce(4, t -> {
      // Two transactions in one append take the transactional way; one alone, the single statement.
      TransactionId first = new TransactionId("pair-" + t + "-1");
      TransactionId second = new TransactionId("pair-" + t + "-2");
      a.append(List.of(begin(first.value(), "tcc"), begin(second.value(), "tcc")), true);
      a.append(List.of(new LogRecord.Decided(first, Decision.COMMIT), new LogRecord.Decided(second, Decision.ROLLBACK)), true);
      a.append(List.of(new LogRecord.End(first), new LogRecord.End(second)), true);
    });
    assertThatThrownBy(() -> a.append(new LogRecord.Decided(new TransactionId("pair-0-1"), Decision.ROLLBACK), true))
        .isInstanceOf(TransactionLogException.class);
    sleep(Duration.ofMillis(400)); // past the dead node's lease
    assertThat(onA.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    a.purgeHistory();
    a.renewLease();
    assertThat(a.unfinished(10)).isEmpty();
    assertThat(a.records(new TransactionId("pair-1-2"))).extracting(r -> r.getClass().getSimpleName())
        .isIn(List.of(), List.of("Begin", "Decided", "End")); // purged once its End is old enough
    a.close();
    dead.close();

    assertThat(pool.loans).hasSizeGreaterThan(10);
    assertThat(pool.badLoans()).isEmpty();
  }

  /**
   * An append is all or nothing: one that spans two transactions, the second owned by another
   * node, is refused whole, and the record it would have added to the first is not stored.
   */
  @Test
  void anAppendRefusedForOneOfItsTransactionsStoresNothingOfTheOthers() {
    JdbcTransactionLog a = fx.live("node-a");
    JdbcTransactionLog b = fx.live("node-b");
    TransactionId mine = new TransactionId("mine");
    TransactionId theirs = new TransactionId("theirs");
    a.append(begin(mine.value(), "tcc"), true);
    b.append(begin(theirs.value(), "tcc"), true);

    assertThatThrownBy(
            () -> a.append(List.of(new LogRecord.Decided(mine, Decision.COMMIT), new LogRecord.Decided(theirs, Decision.COMMIT)), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("theirs");
    assertThat(a.decision(mine)).isEmpty();
    assertThat(a.records(mine)).extracting(r -> r.getClass().getSimpleName()).containsExactly("Begin");

    a.append(new LogRecord.Decided(mine, Decision.ROLLBACK), true);
    assertThat(a.decision(mine)).contains(Decision.ROLLBACK);
    assertThat(b.decision(theirs)).isEmpty();
  }

  @Test
  void appendsFromManyThreadsShareDatabaseTransactions() throws Exception {
    // Each commit takes a few milliseconds, as on a real server's disk, so that appends arrive
    // while groups are being written. H2 in memory commits in microseconds: on a loaded machine
    // every append could then find a connection free and commit alone (a fresh-clone CI run saw
    // 1440 commits for 1440 appends), which says nothing about grouping.
    SlowCommitDataSource slow = new SlowCommitDataSource(fx.dataSource, 3);
    JdbcTransactionLog a = fx.keep(JdbcTransactionLog.builder(slow, "node-a").open());
    int threads = 16;
    int perThread = 30;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  await(start);
                  for (int i = 0; i < perThread; i++) {
                    TransactionId tx = new TransactionId("g-" + thread + "-" + i);
                    a.append(begin(tx.value(), "tcc"), true);
                    a.append(new LogRecord.Decided(tx, i % 2 == 0 ? Decision.COMMIT : Decision.ROLLBACK), true);
                    a.append(new LogRecord.BranchRegistered(tx, new BranchId("b"), "p", new byte[] {1}), true);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(a.appendsStored()).isEqualTo(threads * perThread * 3L);
    assertThat(a.commits()).as("database transactions").isLessThan(a.appendsStored());
    var images = LogReplay.all(a);
    assertThat(images).hasSize(threads * perThread);
    assertThat(images.get(new TransactionId("g-3-4")).decision()).isEqualTo(Decision.COMMIT);
    assertThat(images.get(new TransactionId("g-3-5")).branches()).containsKey(new BranchId("b"));
  }

  @Test
  void aSecondInstanceUnderTheSameNodeNameFencesTheFirstAndEachLossIsReported() {
    List<String> reported = new ArrayList<>();
    JdbcTransactionLog first =
        fx.keep(
            JdbcTransactionLog.builder(fx.dataSource, "node-a")
                .onOwnershipLost(
                    lost -> {
                      reported.add(String.valueOf(lost.lostTransaction()));
                      throw new IllegalStateException("a listener that fails changes nothing");
                    })
                .open());
    TransactionId tx = new TransactionId("fenced-1");
    first.append(begin(tx.value(), "tcc"), true);

    JdbcTransactionLog second = fx.live("node-a");
    assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
    assertThatThrownBy(() -> first.append(new LogRecord.Decided(tx, Decision.COMMIT), true))
        .isInstanceOf(OwnershipLostException.class);
    assertThatThrownBy(() -> first.append(begin("fenced-2", "tcc"), true))
        .isInstanceOfSatisfying(
            OwnershipLostException.class, e -> assertThat(e.lostTransaction()).isNull());
    assertThatThrownBy(() -> first.replay(r -> {})).isInstanceOf(OwnershipLostException.class);
    assertThat(replay(second)).extracting(LogRecord::transactionId).containsExactly(tx);
    second.append(new LogRecord.Decided(tx, Decision.COMMIT), true);
    assertThat(reported).containsExactly("fenced-1", "null");
  }

  /**
   * An instance superseded under its node name takes over nothing from a dead peer, even before
   * any write of its own told it that it was superseded: its claim learns it first, and the dead
   * peer's transactions stay for the current instance.
   */
  @Test
  void aSupersededInstanceTakesOverNothingFromADeadPeer() {
    JdbcTransactionLog dead = fx.dying("node-d", Duration.ofMillis(200));
    dead.append(begin("orphan", "tcc"), true);
    JdbcTransactionLog first = fx.dying("node-a", Duration.ofSeconds(30)); // no heartbeat to tell it
    first.claim("tcc", "test");
    JdbcTransactionLog second = fx.dying("node-a", Duration.ofSeconds(30));
    sleep(Duration.ofMillis(300)); // past the dead peer's lease

    assertThatThrownBy(() -> first.replay(r -> {})).isInstanceOf(OwnershipLostException.class);
    assertThat(fx.owner("orphan")).isEqualTo("node-d@" + dead.epoch());
    second.claim("tcc", "test");
    assertThat(replay(second)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("orphan"));
  }

  /**
   * Schema version 1 kept each record in a row of its own; version 2 keeps them in the
   * transaction's row. A transaction a dead node left unfinished under version 1 is taken over
   * after the upgrade with its old records first, goes on in its row, and its history is still
   * cleaned up whole.
   */
  @Test
  void anUpgradeFromVersionOneKeepsAnUnfinishedTransactionWhole() throws Exception {
    String database;
    try (Connection c = fx.dataSource.getConnection()) {
      database = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")
          ? "postgresql" : "h2";
    }
    TransactionId tx = new TransactionId("from-v1");
    LogRecord.Begin began = new LogRecord.Begin(tx, "tcc", 0, Long.MAX_VALUE);
    LogRecord.BranchRegistered branch =
        new LogRecord.BranchRegistered(tx, new BranchId("b1"), "p", new byte[] {1, 2});
    try {
      fx.sql("DROP TABLE settle_record", "DROP TABLE settle_tx", "DROP TABLE settle_node", "DROP TABLE settle_log_version");
      String v1 = new String(
          SharedLogContract.class.getResourceAsStream("/schema-v1-" + database + ".sql").readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      for (String ddl : v1.replaceAll("(?m)^--.*$", "").split(";\\s*\\n")) {
        if (!ddl.isBlank()) {
          fx.sql(ddl);
        }
      }
      // What a version-1 node that died after its Begin left: the row and two record rows.
      fx.sql("INSERT INTO settle_tx (tx_id, protocol, owner_node, owner_epoch, ended, last_seq, began_at)"
          + " VALUES ('from-v1', 'tcc', 'old-node', 1, FALSE, 1, CURRENT_TIMESTAMP)");
      try (Connection c = fx.direct();
          var ps = c.prepareStatement("INSERT INTO settle_record (tx_id, seq, body) VALUES ('from-v1', ?, ?)")) {
        ps.setInt(1, 0);
        ps.setBytes(2, dev.settle.core.log.internal.LogCodec.encode(began));
        ps.executeUpdate();
        ps.setInt(1, 1);
        ps.setBytes(2, dev.settle.core.log.internal.LogCodec.encode(branch));
        ps.executeUpdate();
      }
      // A second one, so that each history is read on its own: none takes the other's records.
      TransactionId other = new TransactionId("from-v1-other");
      LogRecord.Begin otherBegan = new LogRecord.Begin(other, "tcc", 0, Long.MAX_VALUE);
      fx.sql("INSERT INTO settle_tx (tx_id, protocol, owner_node, owner_epoch, ended, last_seq, began_at)"
          + " VALUES ('from-v1-other', 'tcc', 'old-node', 1, FALSE, 0, CURRENT_TIMESTAMP)");
      try (Connection c = fx.direct();
          var ps = c.prepareStatement("INSERT INTO settle_record (tx_id, seq, body) VALUES ('from-v1-other', 0, ?)")) {
        ps.setBytes(1, dev.settle.core.log.internal.LogCodec.encode(otherBegan));
        ps.executeUpdate();
      }
      assertThatThrownBy(() -> JdbcTransactionLog.builder(fx.dataSource, "node-a").open())
          .hasMessageContaining("schema version 1")
          .hasMessageContaining("JdbcTransactionLog.upgradeSchema(dataSource)");

      assertThat(JdbcTransactionLog.upgradeSchema(fx.dataSource)).as("the version it was at").isEqualTo(1);
      assertThat(JdbcTransactionLog.upgradeSchema(fx.dataSource)).as("a second run changes nothing").isEqualTo(2);

      JdbcTransactionLog a = fx.live("node-a");
      a.claim("tcc", "test");
      assertThat(replay(a)).containsExactlyInAnyOrder(began, branch, otherBegan);
      assertThat(a.records(other)).containsExactly(otherBegan);
      LogRecord.Decided decided = new LogRecord.Decided(tx, Decision.ROLLBACK);
      a.append(List.of(decided), true);
      a.append(List.of(new LogRecord.End(tx)), true);
      assertThat(a.records(tx)).containsExactly(began, branch, decided, new LogRecord.End(tx));
      assertThat(fx.lastSeq("from-v1")).as("numbering goes on from the old rows").isEqualTo(3);

      // Once ended and past the retention, its old record rows go with it.
      JdbcTransactionLog purging =
          fx.keep(JdbcTransactionLog.builder(fx.dataSource, "node-p").historyRetention(Duration.ZERO).open());
      sleep(Duration.ofMillis(20));
      assertThat(purging.purgeHistory()).as("the ended one; the other is unfinished").isEqualTo(1);
      assertThat(a.records(tx)).isEmpty();
      try (Connection c = fx.direct();
          var count = c.prepareStatement("SELECT COUNT(*) FROM settle_record WHERE tx_id = 'from-v1'");
          var rs = count.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("record rows left behind").isZero();
      }
    } finally {
      // Whatever happened, the next test finds the current schema.
      fx.closeAll();
      fx.sql("DROP TABLE IF EXISTS settle_record", "DROP TABLE IF EXISTS settle_tx", "DROP TABLE IF EXISTS settle_node",
          "DROP TABLE IF EXISTS settle_log_version");
      JdbcTransactionLog.createSchema(fx.dataSource);
    }
  }

  @Test
  void aGracefulCloseReleasesTheLeaseSoAPeerTakesOverAtOnce() {
    JdbcTransactionLog a =
        JdbcTransactionLog.builder(fx.dataSource, "node-a").leaseDuration(Duration.ofMinutes(5)).open();
    a.append(begin("handed-over", "tcc"), true);
    a.close();
    assertThatThrownBy(() -> a.append(begin("after-close", "tcc"), true))
        .hasMessageContaining("closed");

    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    assertThat(replay(b)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("handed-over"));
  }

  @Test
  void aNodeTakesOverOnlyTheProtocolsItServesAndEachInstanceServesOneCoordinatorPerProtocol() {
    JdbcTransactionLog dead = fx.dying("node-d", Duration.ofMillis(200));
    dead.append(begin("t-1", "tcc"), true);
    dead.append(begin("s-1", "saga"), true);
    sleep(Duration.ofMillis(300));

    JdbcTransactionLog b = fx.live("node-b");
    assertThat(replay(b)).as("no coordinator claimed the instance yet").isEmpty();
    b.claim("tcc", "first");
    assertThatThrownBy(() -> b.claim("tcc", "second"))
        .isInstanceOf(LogClaimedException.class)
        .hasMessageContaining("first");
    assertThat(replay(b)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("t-1"));
    assertThat(fx.owner("s-1")).startsWith("node-d@");
    fx.live("node-c").claim("tcc", "another node"); // other instances claim on their own

    JdbcTransactionLog d = fx.live("node-e");
    var released = d.claim("saga", "same owner");
    released.release();
    d.claim("saga", "same owner");
    released.release(); // a second release of the old claim must not free its successor's
    assertThatThrownBy(() -> d.claim("saga", "third")).isInstanceOf(LogClaimedException.class);
  }

  @Test
  void aNewOwnerGoesOnNumberingRecordsWhereTheOldOneStopped() {
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(200));
    TransactionId tx = new TransactionId("handover");
    List<LogRecord> before =
        List.of(
            begin(tx.value(), "tcc"),
            new LogRecord.BranchRegistered(tx, new BranchId("b1"), "x", new byte[] {1}),
            new LogRecord.BranchRegistered(tx, new BranchId("b2"), "y", new byte[] {2}));
    a.append(before.subList(0, 1), true);
    a.append(before.subList(1, 3), true);
    sleep(Duration.ofMillis(300));

    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    assertThat(replay(b)).containsExactlyElementsOf(before);
    List<LogRecord> after =
        List.of(
            new LogRecord.Decided(tx, Decision.ROLLBACK),
            new LogRecord.BranchUpdated(tx, new BranchId("b2"), BranchState.ROLLED_BACK));
    b.append(after, true);
    List<LogRecord> all = new ArrayList<>(before);
    all.addAll(after);
    assertThat(replay(b)).containsExactlyElementsOf(all);
  }

  @Test
  void aTransactionWithADamagedRecordIsLeftOutWholeAndTheOthersStillReplay() {
    JdbcTransactionLog a = fx.live("node-a");
    a.append(begin("healthy", "tcc"), true);
    a.append(begin("damaged", "tcc"), true);
    fx.corrupt("damaged");
    assertThat(replay(a)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("healthy"));
  }

  @Test
  void aTransactionWhoseRowHoldsFewerRecordsThanItCountsIsLeftOutWhole() {
    JdbcTransactionLog a = fx.live("node-a");
    a.append(begin("healthy", "tcc"), true);
    a.append(begin("short", "tcc"), true);
    // A value cut exactly at a record boundary decodes cleanly: only the count tells.
    fx.sql("UPDATE settle_tx SET last_seq = last_seq + 1 WHERE tx_id = 'short'");
    assertThat(replay(a)).extracting(LogRecord::transactionId).containsExactly(new TransactionId("healthy"));
  }

  @Test
  void theHeartbeatKeepsALiveNodesTransactionsItsOwnAndCleansUpHistory() {
    JdbcTransactionLog a =
        fx.keep(
            JdbcTransactionLog.builder(fx.dataSource, "node-a")
                .leaseDuration(Duration.ofMillis(300))
                .heartbeatInterval(Duration.ofMillis(50))
                .historyRetention(Duration.ZERO)
                .open());
    TransactionId ended = new TransactionId("ended-by-a");
    a.append(List.of(begin(ended.value(), "tcc"), new LogRecord.End(ended)), true);
    a.append(begin("kept-by-a", "tcc"), true);
    sleep(Duration.ofMillis(700)); // more than two leases: only the heartbeat keeps node-a alive

    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    assertThat(replay(b)).isEmpty();
    assertThat(fx.owner("kept-by-a")).isEqualTo("node-a@" + a.epoch());
    assertThat(fx.owner(ended.value())).as("purged by the heartbeat").isEqualTo("none");
  }

  @Test
  void backgroundRecoveryFinishesADeadNodesTransactionsWithinItsLeaseAndAnInterval() {
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(300));
    Account x = new Account("x");
    Account y = new Account("y");
    y.failConfirms.set(true);
    Outcome stuck = fx.tcc(a, x, y).execute(transfer(x, y));
    assertThat(stuck).isInstanceOf(Outcome.InDoubt.class);

    JdbcTransactionLog b = fx.live("node-b");
    Account y2 = new Account("y");
    long start = System.nanoTime();
    try (BackgroundRecovery recovery =
        BackgroundRecovery.every(Duration.ofMillis(100), fx.tcc(b, new Account("x"), y2))) {
      while (!y2.confirmed.contains(stuck.transactionId().value())) {
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        sleep(Duration.ofMillis(20));
      }
    }
    assertThat(b.records(stuck.transactionId()).get(0)).isInstanceOf(LogRecord.Begin.class);
    assertThat(b.records(stuck.transactionId())).last().isInstanceOf(LogRecord.End.class);
  }

  @Test
  void aNodeThatKeepsBeginningTransactionsKeepsItsLeaseWithoutAHeartbeat() {
    JdbcTransactionLog a = fx.dying("node-a", Duration.ofMillis(300));
    JdbcTransactionLog b = fx.live("node-b");
    b.claim("tcc", "test");
    for (int i = 0; i < 8; i++) {
      a.append(begin("busy-" + i, "tcc"), true);
      sleep(Duration.ofMillis(100));
      assertThat(replay(b)).as("a busy node's transactions after %s00 ms", i + 1).isEmpty();
    }
    sleep(Duration.ofMillis(400)); // idle now, and no heartbeat: the lease runs out
    assertThat(replay(b)).hasSize(8);
  }

  @Test
  void anInterruptedCallerStillAppendsAndKeepsItsInterrupt() {
    JdbcTransactionLog a = fx.live("node-a");
    Thread.currentThread().interrupt();
    try {
      a.append(begin("interrupted", "tcc"), true);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    a.append(new LogRecord.End(new TransactionId("interrupted")), false);
    assertThat(a.records(new TransactionId("interrupted"))).hasSize(2);
  }

  /**
   * Several groups are written at once, each on its own writer connection: while earlier groups
   * wait for their commits (slowed here, as on a slow disk), the next group forms and is written.
   * Never more at once than the writer connections.
   */
  @Test
  void severalGroupsAreWrittenAtOnceEachOnItsOwnConnection() throws Exception {
    SlowCommitDataSource slow = new SlowCommitDataSource(fx.dataSource, 30);
    JdbcTransactionLog a =
        fx.keep(JdbcTransactionLog.builder(slow, "node-a").writerConnections(3).open());
    runAtOnce(
        24,
        thread -> {
          for (int i = 0; i < 8; i++) {
            a.append(begin("overlap-" + thread + "-" + i, "tcc"), true);
          }
        });
    assertThat(slow.mostCommitsAtOnce()).as("commits under way at once").isBetween(2, 3);
    assertThat(a.mostGroupsInFlight()).isBetween(2, 3);
    assertThat(a.appendsStored()).isEqualTo(24 * 8);
    assertThat(a.commits()).as("appends still share commits").isLessThan(24 * 8);
    for (int thread = 0; thread < 24; thread++) {
      assertThat(fx.owner("overlap-" + thread + "-7")).isEqualTo("node-a@" + a.epoch());
    }
  }

  /** A group stuck in its commit holds up no other: the next group goes on another connection. */
  @Test
  void aGroupStuckInItsCommitDoesNotHoldUpTheNext() throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a = fx.keep(JdbcTransactionLog.builder(freezing, "node-a").open());
    freezing.freezeNextCommit();
    CompletableFuture<Void> stuck =
        CompletableFuture.runAsync(() -> a.append(begin("stuck", "tcc"), true));
    try {
      assertThat(freezing.awaitFrozen(10)).isTrue();
      CompletableFuture<Void> next =
          CompletableFuture.runAsync(() -> a.append(begin("next", "tcc"), true));
      next.get(10, TimeUnit.SECONDS);
      assertThat(fx.owner("next")).isEqualTo("node-a@" + a.epoch());
      assertThat(stuck).isNotDone();
    } finally {
      freezing.thaw();
    }
    stuck.get(10, TimeUnit.SECONDS);
    assertThat(fx.owner("stuck")).isEqualTo("node-a@" + a.epoch());
  }

  /**
   * One group of appends of which some are refused, each for its own reason: each refused append
   * fails alone with that reason and stores nothing, and every other append of the group is stored
   * once. On PostgreSQL such a group is one statement that commits on its own, so the refusals are
   * told after the commit; a duplicate id rolls that statement back, and the group is then written
   * the transactional way. The appends are held in the queue behind a frozen group so that they
   * all go in the next one.
   */
  @Test
  void inOneGroupEachRefusedAppendFailsAloneWithItsReasonAndTheOthersAreStoredOnce()
      throws Exception {
    FreezingDataSource freezing = new FreezingDataSource(fx.dataSource);
    JdbcTransactionLog a =
        fx.keep(JdbcTransactionLog.builder(freezing, "node-a").writerConnections(1).open());
    JdbcTransactionLog b = fx.live("node-b");
    TransactionId going = new TransactionId("going");
    TransactionId ended = new TransactionId("ended");
    TransactionId decided = new TransactionId("decided");
    TransactionId theirs = new TransactionId("theirs");
    a.append(begin(going.value(), "tcc"), true);
    a.append(List.of(begin(ended.value(), "tcc"), new LogRecord.End(ended)), true);
    a.append(List.of(begin(decided.value(), "tcc"), new LogRecord.Decided(decided, Decision.COMMIT)), true);
    b.append(begin(theirs.value(), "tcc"), true);

    List<CompletableFuture<Void>> first =
        inOneGroup(
            a,
            freezing,
            List.of(begin("fresh", "tcc")),
            List.of(new LogRecord.Decided(going, Decision.COMMIT)),
            List.of(new LogRecord.BranchRegistered(ended, new BranchId("late"), "p", new byte[0])),
            List.of(new LogRecord.Decided(decided, Decision.ROLLBACK)),
            List.of(new LogRecord.Decided(theirs, Decision.ROLLBACK)));
    first.get(0).get(10, TimeUnit.SECONDS);
    first.get(1).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> first.get(2).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("ended");
    assertThatThrownBy(() -> first.get(3).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            ConflictingDecisionException.class, e -> assertThat(e.stored()).isEqualTo(Decision.COMMIT));
    assertThatThrownBy(() -> first.get(4).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(OwnershipLostException.class)
        .hasMessageContaining("node-b");
    assertThat(a.records(new TransactionId("fresh"))).hasSize(1);
    assertThat(a.records(going)).extracting(r -> r.getClass().getSimpleName()).containsExactly("Begin", "Decided");
    assertThat(fx.lastSeq(going.value())).isEqualTo(1L);
    assertThat(a.records(ended)).hasSize(2);
    assertThat(a.decision(decided)).contains(Decision.COMMIT);
    assertThat(b.decision(theirs)).isEmpty();
    assertThat(fx.owner(theirs.value())).isEqualTo("node-b@" + b.epoch());

    // Each transaction once, so on PostgreSQL one statement, which the reused id rolls back.
    List<CompletableFuture<Void>> second =
        inOneGroup(
            a,
            freezing,
            List.of(begin("fresh-2", "tcc")),
            List.of(begin(ended.value(), "tcc")),
            List.of(new LogRecord.End(going)));
    second.get(0).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> second.get(1).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(DuplicateTransactionIdException.class, e -> assertThat(e.transactionId()).isEqualTo(ended));
    second.get(2).get(10, TimeUnit.SECONDS);
    assertThat(a.records(new TransactionId("fresh-2"))).hasSize(1);
    assertThat(a.records(going)).extracting(r -> r.getClass().getSimpleName()).containsExactly("Begin", "Decided", "End");
  }

  /**
   * Starts each of {@code appends} on a thread of its own while a group is frozen in its commit on
   * {@code a}'s one writer connection, waits until every one is queued, and thaws: they are then
   * written as one group (asserted by the commit count).
   */
  @SafeVarargs
  private static List<CompletableFuture<Void>> inOneGroup(
      JdbcTransactionLog a, FreezingDataSource freezing, List<LogRecord>... appends) throws Exception {
    TransactionId blocker = new TransactionId("blocker-" + System.nanoTime());
    CompletableFuture<Void> frozen = new CompletableFuture<>();
    Thread blocking =
        new Thread(
            () -> {
              a.append(begin(blocker.value(), "tcc"), true);
              frozen.complete(null);
            });
    freezing.freezeNextCommitBy(blocking); // it leads the group of its own append
    blocking.start();
    assertThat(freezing.awaitFrozen(10)).isTrue();
    long commitsBefore = a.commits();
    List<CompletableFuture<Void>> results = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (List<LogRecord> append : appends) {
      CompletableFuture<Void> result = new CompletableFuture<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  a.append(append, true);
                  result.complete(null);
                } catch (RuntimeException e) {
                  result.completeExceptionally(e);
                }
              });
      t.start();
      threads.add(t);
      results.add(result);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // Waiting for the lock that guards the queue looks the same as waiting in it, but lasts
    // microseconds: all waiting twice, some time apart, means all queued.
    for (int settled = 0; settled < 2; settled++) {
      for (Thread t : threads) {
        while (t.getState() != Thread.State.WAITING) {
          assertThat(System.nanoTime()).as("an append never queued: %s", results).isLessThan(deadline);
          sleep(Duration.ofMillis(5));
        }
      }
      sleep(Duration.ofMillis(50));
    }
    freezing.thaw();
    frozen.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<Void> r : results) {
      try {
        r.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException expected) {
        // judged by the caller
      }
    }
    assertThat(a.commits() - commitsBefore).as("the frozen group's commit and one more").isEqualTo(2);
    return results;
  }

  /**
   * Groups in flight at once that touch the same transaction serialize on its row: the fenced
   * update locks the row until its group commits, and the later group numbers its records from
   * the committed count. Coordinators never append to one transaction from two threads at once;
   * this test does, to show the numbering holds even then: every record stored once, numbered
   * without gap, and each thread's records in the order it appended them.
   */
  @Test
  void groupsInFlightAtOnceThatTouchOneTransactionNumberItsRecordsWithoutGapOrClash()
      throws Exception {
    SlowCommitDataSource slow = new SlowCommitDataSource(fx.dataSource, 10);
    JdbcTransactionLog a =
        fx.keep(JdbcTransactionLog.builder(slow, "node-a").writerConnections(4).open());
    TransactionId tx = new TransactionId("shared-row");
    a.append(begin(tx.value(), "tcc"), true);
    int threads = 12;
    int each = 10;
    runAtOnce(
        threads,
        thread -> {
          for (int i = 0; i < each; i++) {
            a.append(
                List.of(
                    new LogRecord.BranchUpdated(
                        tx, new BranchId("t" + thread + "-" + i), BranchState.PREPARED)),
                true);
          }
        });
    // Their commits cannot overlap (each group waits on the row lock the one before holds until
    // its commit), but several groups were being written at once.
    assertThat(a.mostGroupsInFlight()).as("groups in flight at once").isGreaterThan(1);
    List<LogRecord> records = a.records(tx);
    assertThat(records).hasSize(1 + threads * each);
    assertThat(records.get(0)).isInstanceOf(LogRecord.Begin.class);
    assertThat(fx.lastSeq(tx.value())).as("the row counts each record once").isEqualTo((long) threads * each);
    for (int thread = 0; thread < threads; thread++) {
      String prefix = "t" + thread + "-";
      List<String> mine =
          records.stream()
              .filter(r -> r instanceof LogRecord.BranchUpdated)
              .map(r -> ((LogRecord.BranchUpdated) r).branchId().value())
              .filter(b -> b.startsWith(prefix))
              .toList();
      List<String> inOrder = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        inOrder.add(prefix + i);
      }
      assertThat(mine).as("thread %s's records in the order it appended them", thread).isEqualTo(inOrder);
    }
  }

  /** Runs {@code body} on {@code threads} threads started together, and fails if any failed. */
  private static void runAtOnce(int threads, java.util.function.IntConsumer body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        runs.add(
            pool.submit(
                () -> {
                  await(start);
                  body.accept(thread);
                }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException(e);
    }
  }
}
