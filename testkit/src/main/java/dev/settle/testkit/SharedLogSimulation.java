package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.jdbc.JdbcTransactionLog;
import dev.settle.jdbc.internal.RecordBlob;
import dev.settle.core.OwnershipLostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Several coordinator instances (nodes) over one shared {@link JdbcTransactionLog}, the real one,
 * in an in-memory H2 database, run in one thread from one seed. The database reads its clock
 * from the run's virtual time ({@link JdbcTransactionLog.Builder#databaseClock}), no node runs a
 * heartbeat thread, and the simulation renews leases and runs recovery passes as scheduled steps,
 * so leases run out by virtual time and one seed always gives the same run.
 *
 * <p>Each transaction of the scenario's workload runs on a randomly chosen live node, with the
 * {@link FaultPlan}'s faults in participant calls and the {@link NodeFaults}: nodes crash at a log
 * append (in a transaction or a recovery pass) and come back later under the same or a new name; nodes freeze in mid-transaction for
 * longer than their lease while their peers take over, then go on writing late; two nodes claim
 * at once; the database clock jumps forward. Then faults stop, every node comes back, and
 * recovery rounds (each a lease later) finish what is left. The run then checks, from the log's
 * own rows:
 *
 * <ul>
 *   <li><b>one decision</b>: no transaction holds two different decisions, or two Ends;
 *   <li><b>no outcome after lost ownership</b>: no node reported Committed, RolledBack or Mixed
 *       for a transaction another node had taken from it, and every such outcome came from the
 *       node that ended the transaction in the log;
 *   <li><b>termination</b>: nothing is unfinished in the log;
 *   <li><b>atomicity</b>: every branch applied what the log's decision says (committed: applied
 *       forward; rolled back or undecided: nothing, or undone), as the scenario's participants
 *       recorded in {@link World#applied()};
 *   <li>truthful outcomes ({@link Invariants#truthfulOutcome}) and the scenario's own invariants.
 * </ul>
 *
 * <p>A failure throws a {@link SimulationFailure} naming the invariant, the seed and the line that
 * replays the run. H2 must be on the class path (a test dependency of yours). The scenario's
 * participants are shared by every node, as remote participants are; each node builds its own
 * coordinator from {@link Scenario#coordinator}. Participants must record every branch in the
 * ledger when it takes effect (TCC Confirms, saga actions and compensations, 2PC commits; a
 * one-phase commit, which logs no decision, counts as committed when its branch's last logged
 * state is); 2PC read-only votes, heuristic answers, interrupts, reused ids and rival recoveries
 * are not part of this simulation's fault model.
 *
 * <pre>{@code
 * SharedLogResult result = SharedLogSimulation.withSeed(42)
 *     .nodes(3)
 *     .faults(FaultPlan.uniform(0.02))
 *     .nodeFaults(NodeFaults.defaults())
 *     .transactions(200)
 *     .run(world -> new MyTccScenario(world));
 * }</pre>
 */
public final class SharedLogSimulation {
  /** The heartbeat scheduler of every node: shut down before use, so no heartbeat ever runs. */
  private static final ScheduledThreadPoolExecutor NO_HEARTBEAT = stoppedScheduler();

  /** At most this many recovery rounds after the faults stop, each a lease apart. */
  private static final int QUIET_ROUNDS = 20;

  private static final int CLAIM_BATCH = 8;

  private final long seed;
  private int nodes = 3;
  private int transactions = 200;
  private FaultPlan plan = new FaultPlan(0.02, 0.02, 0.02, 0.02, 0);
  private NodeFaults nodeFaults = NodeFaults.defaults();
  private Duration lease = Duration.ofSeconds(2);
  private LogVariant variant = (log, database, world) -> log;
  private boolean ownVariant;

  /**
   * What each node's coordinators write through: the node's real {@link JdbcTransactionLog}, or a
   * variant of it, for tests that plant a bug in the log and show that the simulation catches it.
   */
  @FunctionalInterface
  public interface LogVariant {
    /**
     * The log a node's coordinator is built on.
     *
     * @param log the node's real shared log, as opened by the simulation
     * @param database the simulated database, for a variant's own statements
     * @param world the run's world (its clock is the nodes' JVM clock)
     */
    TransactionLog wrap(JdbcTransactionLog log, DataSource database, World world);
  }

  private SharedLogSimulation(long seed) {
    this.seed = seed;
  }

  /** A simulation of the run with this seed. */
  public static SharedLogSimulation withSeed(long seed) {
    return new SharedLogSimulation(seed);
  }

  /** How many nodes share the log (default 3, at least 2). */
  public SharedLogSimulation nodes(int count) {
    if (count < 2) {
      throw new IllegalArgumentException("nodes must be at least 2, was " + count);
    }
    this.nodes = count;
    return this;
  }

  /** How many transactions to start (default 200). */
  public SharedLogSimulation transactions(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("transactions must not be negative, was " + count);
    }
    this.transactions = count;
    return this;
  }

  /**
   * The faults of participant calls (default: 2% each of fail, timeout, duplicate and delay).
   *
   * @throws IllegalArgumentException if it plans heuristic answers, interrupts, listener errors,
   *     reused ids or rival recoveries, which this simulation does not model
   */
  public SharedLogSimulation faults(FaultPlan plan) {
    if (plan == null) {
      throw new NullPointerException("plan must not be null");
    }
    if (plan.heuristic() > 0 || plan.interrupt() > 0 || plan.listenerError() > 0 || plan.duplicateId() > 0
        || plan.rivalRecovery() > 0) {
      throw new IllegalArgumentException(
          "the shared-log simulation injects call faults (fail, timeout, duplicate, delay, restart,"
              + " block) only; use Simulation for heuristic answers, interrupts, listener errors,"
              + " reused ids and rival recoveries: " + plan);
    }
    this.plan = plan;
    return this;
  }

  /** The faults of the nodes (default {@link NodeFaults#defaults()}). */
  public SharedLogSimulation nodeFaults(NodeFaults faults) {
    if (faults == null) {
      throw new NullPointerException("faults must not be null");
    }
    this.nodeFaults = faults;
    return this;
  }

  /**
   * The nodes' lease, in virtual time (default 2 s, at least 100 ms); leases are renewed every
   * quarter lease and every node runs a recovery pass every half lease.
   */
  public SharedLogSimulation lease(Duration lease) {
    if (lease == null || lease.toMillis() < 100) {
      throw new IllegalArgumentException("lease must be at least 100 ms, was " + lease);
    }
    this.lease = lease;
    return this;
  }

  /** Builds each node's coordinators on {@code variant}'s log instead of the real one. */
  public SharedLogSimulation logs(LogVariant variant) {
    if (variant == null) {
      throw new NullPointerException("variant must not be null");
    }
    this.variant = variant;
    this.ownVariant = true;
    return this;
  }

  /**
   * Runs the scenario made by {@code scenario} for a fresh world.
   *
   * @throws SimulationFailure if an invariant broke, naming it, the seed and the replay line
   */
  public <T> SharedLogResult run(Function<World, Scenario<T>> scenario) {
    long started = System.nanoTime();
    World world = new World(seed, plan);
    Scenario<T> s = scenario.apply(world);
    world.applied(); // the ledger is the ground truth of atomicity
    Run<T> run = new Run<>(world, s);
    try {
      try {
        run.simulate();
        run.quiesce();
        run.check();
      } catch (AssertionError | RuntimeException e) {
        throw new SimulationFailure(seed, replayLine(), e);
      }
      return run.result(System.nanoTime() - started);
    } finally {
      run.close();
    }
  }

  /** The line that replays this run, as a failure reports it. */
  @Override
  public String toString() {
    return replayLine();
  }

  private String replayLine() {
    return "SharedLogSimulation.withSeed(" + seed + "L).nodes(" + nodes + ").faults(" + plan.toJava()
        + ").nodeFaults(" + nodeFaults.toJava() + ").lease(Duration.ofMillis(" + lease.toMillis() + "))"
        + (ownVariant ? ".logs(yourVariant)" : "") + ".transactions(" + transactions + ").run(...)";
  }

  private static ScheduledThreadPoolExecutor stoppedScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, new ScheduledThreadPoolExecutor.DiscardPolicy());
    scheduler.shutdown(); // a heartbeat scheduled on it is discarded, never run: no thread starts
    return scheduler;
  }

  /** An outcome a node reported. */
  private record Report(String node, Outcome outcome, String where) {}

  /** A transaction taken from its owner: the {@code seq}-th takeover seen, by {@code by}. */
  private record Loss(long seq, String by) {}

  /** One run's moving parts. */
  private final class Run<T> implements AutoCloseable {
    final World world;
    final Scenario<T> scenario;
    final Random random = new Random(seed * 59 + 17);
    final SimulatedDatabase db;
    final Connection watch;
    final List<Slot> slots = new ArrayList<>();
    final List<Report> reports = new ArrayList<>();
    /** "node@epoch tx" to when (the number of takeovers seen before it) and by whom it was taken. */
    final Map<String, Loss> lost = new HashMap<>();
    final List<String> violations = new ArrayList<>();
    final long heartbeat = Math.max(25, lease.toMillis() / 4);
    final long recoveryEvery = Math.max(50, lease.toMillis() / 2);
    long offset;
    long nextRecovery;
    @Nullable Slot frozenNode;
    int step;
    long crashes;
    long pauses;
    long jumps;
    long lostCommitAnswers;
    long concurrent;
    long takeovers;
    long refused;
    long otherLogErrors;
    long recoveries;

    Run(World world, Scenario<T> scenario) {
      this.world = world;
      this.scenario = scenario;
      this.db = new SimulatedDatabase(seed, () -> world.clock().millis() + offset);
      try {
        this.watch = db.dataSource().getConnection();
      } catch (SQLException e) {
        db.close();
        throw new IllegalStateException("cannot connect to the simulated database", e);
      }
    }

    void simulate() {
      for (int i = 0; i < nodes; i++) {
        Slot slot = new Slot(i);
        slots.add(slot);
        open(slot);
      }
      nextRecovery = world.clock().millis() + recoveryEvery;
      for (step = 0; step < transactions; step++) {
        for (Slot slot : slots) {
          if (!slot.live && slot.reopenAt <= step) {
            open(slot);
          }
        }
        if (random.nextDouble() < nodeFaults.clockJump()) {
          jumps++;
          offset += lease.toMillis() * (1 + random.nextInt(20));
        }
        execute(pickLive(), scenario.nextTransaction(world));
        world.tick(Duration.ofMillis(1 + random.nextInt(20)));
        housekeeping();
      }
    }

    private Slot pickLive() {
      List<Slot> live = slots.stream().filter(s -> s.live).toList();
      if (live.isEmpty()) {
        Slot first = slots.get(0);
        open(first);
        return first;
      }
      return live.get(random.nextInt(live.size()));
    }

    private void execute(Slot node, T transaction) {
      double roll = random.nextDouble();
      if (roll < nodeFaults.crash()) {
        node.hooked().crashAt(1 + random.nextInt(3), random.nextBoolean());
        runOn(node, transaction);
      } else if (roll < nodeFaults.crash() + nodeFaults.pause()) {
        Frozen frozen = new Frozen();
        if (random.nextBoolean()) {
          world.faults().beforeNextCall(frozen::park);
        } else {
          node.hooked().before(1 + random.nextInt(3), frozen::park);
        }
        frozen.start(() -> runOn(node, transaction));
        try {
          if (frozen.parked()) {
            pause(node, frozen);
          }
        } finally {
          frozen.resume(); // a no-op unless the pause failed half-way
        }
        frozen.rethrow();
      } else if (roll < nodeFaults.crash() + nodeFaults.pause() + nodeFaults.lostCommitAnswer()) {
        // One of this transaction's commits loses its answer; made or not, the node goes on.
        node.loseCommitAnswer =
            random.nextBoolean() ? SimulatedDatabase.LostAnswer.AFTER_COMMIT : SimulatedDatabase.LostAnswer.BEFORE_COMMIT;
        node.commitsUntilLoss = random.nextInt(3);
        runOn(node, transaction);
      } else {
        runOn(node, transaction);
      }
    }

    private void runOn(Slot node, T transaction) {
      String by = node.id();
      long since = takeovers;
      long lostBefore = lostCommitAnswers;
      try {
        report(by, node.coordinator().execute(transaction), "execute", since);
      } catch (SimulatedCrash crash) {
        die(node);
      } catch (OwnershipLostException e) {
        refused++; // a late write refused: the new owner finishes the transaction
      } catch (TransactionLogException e) {
        if (lostCommitAnswers == lostBefore) {
          otherLogErrors++; // refused for another reason (a conflicting decision, an ended transaction)
        }
        // else: a write whose commit answer was lost, "may or may not be stored"; the transaction
        // is the node's recovery's to finish, and it must report no outcome for it now
      } finally {
        world.faults().disarm();
        node.hooked().disarm();
        node.loseCommitAnswer = null;
      }
    }

    /**
     * {@code node} froze in mid-transaction ({@code frozen} holds its thread) for longer than its
     * lease. Its peers renew their leases and run recovery passes, taking over its transactions;
     * it wakes up at a random moment of one of those passes (or after them all) and goes on.
     */
    private void pause(Slot node, Frozen frozen) {
      pauses++;
      frozenNode = node;
      Map<String, String> atFreeze = unfinishedOwners();
      Runnable wake =
          () -> {
            if (frozen.parked()) {
              noteTakeovers(atFreeze); // what it lost while frozen, before it writes again
              frozen.resume();
            }
          };
      try {
        world.tick(lease.plusMillis(1 + random.nextInt((int) lease.toMillis())));
        List<Slot> peers = slots.stream().filter(p -> p.live && p != node).toList();
        peers.forEach(this::renew);
        int wakeIn = random.nextInt(peers.size() + 1);
        for (int i = 0; i < peers.size(); i++) {
          Slot peer = peers.get(i);
          if (!peer.live) {
            continue;
          }
          if (i == wakeIn) {
            if (random.nextBoolean()) {
              world.faults().beforeNextCall(wake);
            } else {
              peer.hooked().before(1 + random.nextInt(3), wake);
            }
          }
          recoveryPass(peer, true);
          world.faults().disarm();
        }
        wake.run(); // no peer's pass woke it up
      } finally {
        frozenNode = null;
      }
    }

    private void die(Slot node) {
      crashes++;
      node.live = false;
      node.reopenAt = step + 1 + random.nextInt(8);
      if (random.nextBoolean()) {
        node.generation++; // comes back under a new name: the old one's leftovers are for peers to take
      }
    }

    private void housekeeping() {
      long now = world.clock().millis();
      for (Slot slot : slots) {
        if (slot.live && now >= slot.nextRenewal) {
          renew(slot);
        }
      }
      if (now >= nextRecovery) {
        nextRecovery = now + recoveryEvery;
        for (Slot slot : slots) {
          if (slot.live) {
            recoveryPass(slot, true);
          }
        }
      }
    }

    private void renew(Slot node) {
      node.nextRenewal = world.clock().millis() + heartbeat;
      try {
        node.log().renewLease();
      } catch (TransactionLogException e) {
        // superseded or unreachable: its next writes say so
      }
    }

    private void recoveryPass(Slot node, boolean faults) {
      if (faults && nodeFaults.concurrentClaim() > 0 && claimable(node) > 0
          && random.nextDouble() < nodeFaults.concurrentClaim()) {
        // Something to claim: another node claims too, while this one's claim holds what it selected.
        List<Slot> others = slots.stream().filter(o -> o.live && o != node && o != frozenNode).toList();
        if (!others.isEmpty()) {
          Slot other = others.get(random.nextInt(others.size()));
          node.claimAction =
              () -> {
                concurrent++;
                recoveryPass(other, false);
              };
        }
      }
      if (faults && random.nextDouble() < nodeFaults.crash()) {
        node.hooked().crashAt(1 + random.nextInt(2), random.nextBoolean());
      }
      Map<String, String> before = unfinishedOwners();
      recoveries++;
      String by = node.id();
      long since = takeovers;
      try {
        for (Outcome outcome : node.coordinator().recover()) {
          report(by, outcome, "recover", since);
        }
      } catch (SimulatedCrash crash) {
        die(node);
      } catch (OwnershipLostException e) {
        refused++;
      } catch (TransactionLogException e) {
        otherLogErrors++; // e.g. a row another node's claim held while this one ran inside it
      } finally {
        node.claimAction = null;
        node.hooked().disarm();
        noteTakeovers(before);
      }
    }

    private void open(Slot slot) {
      Map<String, String> before = unfinishedOwners();
      JdbcTransactionLog log =
          JdbcTransactionLog.builder(slot.view, slot.name())
              .leaseDuration(lease)
              .heartbeatInterval(Duration.ofMillis(heartbeat))
              .heartbeatScheduler(NO_HEARTBEAT)
              .claimBatchSize(CLAIM_BATCH)
              .database("h2")
              .databaseClock(db.clock())
              .open();
      slot.log = log;
      slot.hooked = new HookedLog(variant.wrap(log, db.dataSource(), world));
      slot.coordinator = scenario.coordinator(world, slot.hooked);
      slot.live = true;
      slot.nextRenewal = world.clock().millis() + heartbeat;
      noteTakeovers(before); // a restart under the same name adopts its older epochs' transactions
      recoveryPass(slot, false); // a node recovers when it starts
    }

    /**
     * Notes what {@code by} reported from a call ({@code where}) that began when {@code since}
     * takeovers had been seen: a node that lost the transaction during that call must not report
     * an outcome for it. (It may have lost it before and claimed it back since, as a recovery pass
     * does from a dead node.)
     */
    private void report(String by, Outcome outcome, String where, long since) {
      reports.add(new Report(by, outcome, where));
      if (claimsAnOutcome(outcome)) {
        world.faults().finished(outcome.transactionId());
        Loss loss = lost.get(by + " " + outcome.transactionId());
        if (loss != null && loss.seq() >= since) {
          violations.add(
              "no outcome after lost ownership: " + by + " reported " + kind(outcome) + " for "
                  + outcome.transactionId() + " from " + where + " after " + loss.by() + " had taken"
                  + " the transaction from it during that call");
        }
      }
    }

    /** Unfinished transactions and their owners ("node@epoch"). */
    private Map<String, String> unfinishedOwners() {
      Map<String, String> owners = new LinkedHashMap<>();
      try (Statement s = watch.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT tx_id, owner_node, owner_epoch FROM settle_tx WHERE ended = FALSE ORDER BY tx_id")) {
        while (rs.next()) {
          owners.put(rs.getString(1), rs.getString(2) + "@" + rs.getLong(3));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the simulated log: " + e.getMessage(), e);
      }
      return owners;
    }

    /** How many unfinished transactions {@code node} could take over now (by the database clock). */
    private int claimable(Slot node) {
      try (PreparedStatement count =
          watch.prepareStatement(
              "SELECT COUNT(*) FROM settle_tx t WHERE t.ended = FALSE"
                  + " AND NOT (t.owner_node = ? AND t.owner_epoch = ?)"
                  + " AND (NOT EXISTS (SELECT 1 FROM settle_node n WHERE n.node = t.owner_node)"
                  + " OR EXISTS (SELECT 1 FROM settle_node n WHERE n.node = t.owner_node"
                  + " AND (n.lease_until <= " + db.clock() + " OR n.epoch > t.owner_epoch)))")) {
        count.setString(1, node.log().node());
        count.setLong(2, node.log().epoch());
        try (ResultSet rs = count.executeQuery()) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the simulated log: " + e.getMessage(), e);
      }
    }

    /** Notes every transaction of {@code before} that has another owner now: its old owner lost it. */
    private void noteTakeovers(Map<String, String> before) {
      if (before.isEmpty()) {
        return;
      }
      try (PreparedStatement read =
          watch.prepareStatement("SELECT owner_node, owner_epoch FROM settle_tx WHERE tx_id = ?")) {
        for (Map.Entry<String, String> e : before.entrySet()) {
          read.setString(1, e.getKey());
          try (ResultSet rs = read.executeQuery()) {
            if (rs.next()) {
              String owner = rs.getString(1) + "@" + rs.getLong(2);
              if (!owner.equals(e.getValue())) {
                String key = e.getValue() + " " + e.getKey();
                Loss known = lost.get(key);
                if (known == null || !known.by().equals(owner)) { // seen once, by the innermost snapshot
                  lost.put(key, new Loss(takeovers++, owner));
                }
              }
            }
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the simulated log: " + e.getMessage(), e);
      }
    }

    /** Faults stop, every node comes back, and recovery rounds a lease apart finish the rest. */
    void quiesce() {
      world.faults().stop();
      world.faults().flushDelayed();
      for (Slot slot : slots) {
        if (!slot.live) {
          open(slot);
        }
      }
      for (int round = 0; round < QUIET_ROUNDS && !unfinishedOwners().isEmpty(); round++) {
        world.tick(lease.plusMillis(1));
        for (Slot slot : slots) {
          renew(slot);
        }
        for (Slot slot : slots) {
          recoveryPass(slot, false);
        }
      }
    }

    void check() {
      Map<String, Row> rows = rows();
      oneDecision(rows);
      if (!violations.isEmpty()) {
        throw new AssertionError(
            violations.get(0) + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""));
      }
      for (Report r : reports) {
        if (claimsAnOutcome(r.outcome)) {
          Row row = rows.get(r.outcome.transactionId().value());
          if (row == null || !row.owner.equals(r.node)) {
            throw new AssertionError(
                "no outcome after lost ownership: " + r.node + " reported " + kind(r.outcome) + " for "
                    + r.outcome.transactionId() + " from " + r.where + ", but the log's owner of it is "
                    + (row == null ? "nobody" : row.owner));
          }
          boolean committed = row.decision == Decision.COMMIT || onePhaseCommitted(row);
          if ((r.outcome instanceof Outcome.Committed && !committed)
              || (r.outcome instanceof Outcome.RolledBack && committed)) {
            throw new AssertionError(
                "truthful outcome: " + r.node + " reported " + kind(r.outcome) + " for "
                    + r.outcome.transactionId() + ", but the shared log decided "
                    + (committed ? "COMMIT" : row.decision == null ? "nothing (presumed abort)" : "ROLLBACK"));
          }
        }
      }
      List<String> unfinished =
          rows.values().stream().filter(r -> !r.ended).map(r -> r.tx + " (owner " + r.owner + ")").toList();
      if (!unfinished.isEmpty()) {
        throw new AssertionError(
            "termination: " + unfinished.size() + " transactions unfinished in the shared log after the"
                + " faults stopped and " + QUIET_ROUNDS + " recovery rounds a lease apart ran on every"
                + " node: " + unfinished.subList(0, Math.min(5, unfinished.size())));
      }
      AppliedLedger applied = world.applied();
      for (Row row : rows.values()) {
        atomicity(row, applied);
      }
      for (Report r : reports) {
        Invariants.truthfulOutcome(r.outcome, applied);
      }
      scenario.checkInvariants(world);
      if (transactions > 0
          && rows.values().stream().noneMatch(r -> r.decision == Decision.COMMIT || onePhaseCommitted(r))) {
        throw new AssertionError(
            "nothing committed: none of the " + transactions + " transactions committed, so the"
                + " invariants were checked on nothing");
      }
    }

    private void oneDecision(Map<String, Row> rows) {
      for (Row row : rows.values()) {
        List<Decision> decided = new ArrayList<>();
        int ends = 0;
        for (LogRecord record : row.records) {
          if (record instanceof LogRecord.Decided d && !decided.contains(d.decision())) {
            decided.add(d.decision());
          } else if (record instanceof LogRecord.End) {
            ends++;
          }
        }
        if (decided.size() > 1 || ends > 1 || (decided.size() == 1 && decided.get(0) != row.decision)) {
          throw new AssertionError(
              "one decision: transaction " + row.tx + " holds decisions " + decided + ", " + ends
                  + " Ends and decision column " + row.decision + " in the shared log");
        }
      }
    }

    private void atomicity(Row row, AppliedLedger applied) {
      boolean commit = row.decision == Decision.COMMIT || onePhaseCommitted(row);
      for (LogRecord record : row.records) {
        if (record instanceof LogRecord.BranchRegistered b) {
          BranchId branch = b.branchId();
          AppliedLedger.Applied a = applied.of(b.transactionId(), branch);
          boolean agrees =
              commit
                  ? a == AppliedLedger.Applied.FORWARD
                  : a == AppliedLedger.Applied.NOTHING || a == AppliedLedger.Applied.UNDONE;
          if (!agrees) {
            throw new AssertionError(
                "atomicity: transaction " + row.tx + " is " + (commit ? "committed" : "rolled back")
                    + " in the shared log, but branch " + branch + " applied " + a + "; its branches: "
                    + applied.of(b.transactionId()));
          }
        }
      }
    }

    /**
     * Whether {@code row} is a 2PC one-phase commit, which logs no decision: its one branch's last
     * state is COMMITTED.
     */
    private boolean onePhaseCommitted(Row row) {
      long branches = row.records.stream().filter(r -> r instanceof LogRecord.BranchRegistered).count();
      BranchState last = null;
      for (LogRecord r : row.records) {
        if (r instanceof LogRecord.BranchUpdated u) {
          last = u.state();
        }
      }
      return row.decision == null && branches == 1 && last == BranchState.COMMITTED;
    }

    /** Every transaction row of the log with its records. */
    private Map<String, Row> rows() {
      Map<String, Row> rows = new LinkedHashMap<>();
      try (Statement s = watch.createStatement()) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT tx_id, owner_node, owner_epoch, decision, ended, records FROM settle_tx ORDER BY began_at, tx_id")) {
          while (rs.next()) {
            String code = rs.getString(4);
            Decision decision =
                code == null ? null : "C".equals(code.trim()) ? Decision.COMMIT : Decision.ROLLBACK;
            Row row = new Row(rs.getString(1), rs.getString(2) + "@" + rs.getLong(3), decision, rs.getBoolean(5));
            RecordBlob.split(rs.getBytes(6), row.records);
            rows.put(rs.getString(1), row);
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the simulated log: " + e.getMessage(), e);
      }
      return rows;
    }

    SharedLogResult result(long elapsed) {
      Map<String, Row> rows = rows();
      long committed =
          rows.values().stream().filter(r -> r.decision == Decision.COMMIT || onePhaseCommitted(r)).count();
      return new SharedLogResult(
          seed, transactions, committed, rows.size() - committed, crashes, pauses, jumps, lostCommitAnswers,
          concurrent,
          takeovers, refused, otherLogErrors, recoveries, elapsed);
    }

    @Override
    public void close() {
      try {
        watch.close();
      } catch (SQLException e) {
        // the database goes next
      }
      db.close();
    }

    /**
     * A node frozen in mid-transaction: its {@code execute} runs on a thread of its own, which
     * parks at the pause point and hands control back to the simulation's thread until {@link
     * #resume}. Only one of the two threads ever runs at a time, so the run stays deterministic.
     */
    private final class Frozen {
      private final Thread main = Thread.currentThread();
      private @Nullable Thread worker;
      private boolean parked;
      private boolean resumed;
      private boolean done;
      private @Nullable Throwable failure;

      /** Runs {@code body} on the node's thread until it parks or ends. */
      void start(Runnable body) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    body.run();
                  } catch (Throwable e) {
                    synchronized (this) {
                      failure = e;
                    }
                  } finally {
                    synchronized (this) {
                      done = true;
                      notifyAll();
                    }
                  }
                },
                "settle-sim-frozen-node");
        t.setDaemon(true);
        synchronized (this) {
          worker = t;
        }
        t.start();
        await(() -> parked || done);
      }

      synchronized boolean parked() {
        return parked && !done;
      }

      /** On the node's thread: freeze here until resumed. */
      void park() {
        synchronized (this) {
          if (Thread.currentThread() != worker || parked) {
            return;
          }
          parked = true;
          notifyAll();
        }
        await(() -> resumed);
      }

      /** On the simulation's thread: let the node go on, and wait until its call ends. */
      void resume() {
        synchronized (this) {
          if (Thread.currentThread() != main || !parked || resumed) {
            return;
          }
          resumed = true;
          notifyAll();
        }
        await(() -> done);
      }

      /** Throws what the node's thread failed with, other than the faults it was meant to meet. */
      void rethrow() {
        Throwable f;
        synchronized (this) {
          f = failure;
        }
        if (f instanceof Error e) {
          throw e;
        }
        if (f instanceof RuntimeException e) {
          throw e;
        }
      }

      private synchronized void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("the simulation is stuck: a frozen node and the simulation wait on each other");
          }
          try {
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while a node was frozen", e);
          }
        }
      }
    }

    /** One node position: its current incarnation, and when a dead one comes back. */
    private final class Slot {
      final int index;
      final DataSource view;
      int generation = 1;
      boolean live;
      int reopenAt;
      long nextRenewal;
      @Nullable JdbcTransactionLog log;
      @Nullable HookedLog hooked;
      @Nullable Coordinator<T> coordinator;
      @Nullable Runnable claimAction;
      /** Armed for one transaction: one of its commits, after {@link #commitsUntilLoss} more, loses its answer. */
      SimulatedDatabase.@Nullable LostAnswer loseCommitAnswer;
      int commitsUntilLoss;

      Slot(int index) {
        this.index = index;
        this.view =
            db.view(
                () -> {
                  Runnable action = claimAction;
                  claimAction = null;
                  return action;
                },
                () -> {
                  SimulatedDatabase.LostAnswer lost = loseCommitAnswer;
                  if (lost == null || commitsUntilLoss-- > 0) {
                    return null;
                  }
                  loseCommitAnswer = null;
                  lostCommitAnswers++;
                  return lost;
                });
      }

      String name() {
        return "node-" + index + (generation == 1 ? "" : "." + generation);
      }

      JdbcTransactionLog log() {
        return java.util.Objects.requireNonNull(log);
      }

      HookedLog hooked() {
        return java.util.Objects.requireNonNull(hooked);
      }

      Coordinator<T> coordinator() {
        return java.util.Objects.requireNonNull(coordinator);
      }

      String id() {
        return log().node() + "@" + log().epoch();
      }
    }
  }

  /** One transaction's row and records. */
  private static final class Row {
    final String tx;
    final String owner;
    final @Nullable Decision decision;
    final boolean ended;
    final List<LogRecord> records = new ArrayList<>();

    Row(String tx, String owner, @Nullable Decision decision, boolean ended) {
      this.tx = tx;
      this.owner = owner;
      this.decision = decision;
      this.ended = ended;
    }
  }

  private static boolean claimsAnOutcome(Outcome outcome) {
    return outcome instanceof Outcome.Committed
        || outcome instanceof Outcome.RolledBack
        || outcome instanceof Outcome.Mixed;
  }

  private static String kind(Outcome outcome) {
    return outcome.getClass().getSimpleName();
  }
}
