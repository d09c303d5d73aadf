package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Coordinator;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseCoordinatorBuilder;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TwoPhaseSimulationTest {
  static final int SHARDS = 3;
  static final int ACCOUNTS = 12;
  static final long OPENING = 1_000;

  static final class TwoPhaseScenario implements Scenario<TwoPhaseTransaction> {
    final List<TwoPhaseShard> shards = new ArrayList<>();
    final List<TwoPhaseParticipant> wired = new ArrayList<>();

    TwoPhaseScenario(World world, boolean forgetsPrepared) {
      this(world, forgetsPrepared, p -> p);
    }

    /** {@code wrap} stands between the fault layer and the coordinator: a planted bug, or nothing. */
    TwoPhaseScenario(World world, boolean forgetsPrepared, UnaryOperator<TwoPhaseParticipant> wrap) {
      for (int s = 0; s < SHARDS; s++) {
        TwoPhaseShard shard = new TwoPhaseShard("node-" + s, forgetsPrepared, world.applied());
        shards.add(shard);
        wired.add(wrap.apply(world.faults().twoPhase(shard)));
      }
      for (int a = 0; a < ACCOUNTS; a++) {
        shards.get(a % SHARDS).balances.put("acct" + a, OPENING);
      }
    }

    @Override
    public Coordinator<TwoPhaseTransaction> coordinator(World world, TransactionLog log) {
      TwoPhaseCoordinatorBuilder b =
          world.configure(TwoPhaseCoordinator.builder()).log(log).prepareTimeout(world.budget().phaseOne());
      wired.forEach(b::participant);
      return b.build();
    }

    @Override
    public TwoPhaseTransaction nextTransaction(World world) {
      int from = world.random().nextInt(ACCOUNTS);
      int to = (from + 1 + world.random().nextInt(ACCOUNTS - 1)) % ACCOUNTS;
      long amount = 1 + world.random().nextInt(400);
      TwoPhaseShard debit = shards.get(from % SHARDS);
      TwoPhaseShard credit = shards.get(to % SHARDS);
      if (debit == credit) {
        // Both accounts on one node: a single participant, committed in one phase.
        return TwoPhaseTransaction.builder()
            .enlist("transfer", wired.get(from % SHARDS))
            .work(
                tx -> {
                  debit.stage(tx + "/transfer", "acct" + from, -amount);
                  debit.stage(tx + "/transfer", "acct" + to, amount);
                })
            .build();
      }
      return TwoPhaseTransaction.builder()
          .enlist("debit", wired.get(from % SHARDS))
          .enlist("credit", wired.get(to % SHARDS))
          .work(
              tx -> {
                debit.stage(tx + "/debit", "acct" + from, -amount);
                credit.stage(tx + "/credit", "acct" + to, amount);
              })
          .build();
    }

    @Override
    public void checkInvariants(World world) {
      Map<String, Long> balances = new HashMap<>();
      for (TwoPhaseShard shard : shards) {
        balances.putAll(shard.balances);
        if (shard.holdsLocks()) {
          throw new AssertionError("hanging reservation: " + shard.name() + " still holds prepared locks");
        }
      }
      Invariants.noNegativeBalance(balances);
      // A heuristic answer may apply one branch of a transfer and not the other: that money is
      // accounted for (the outcome says Mixed); every other transaction must conserve it.
      long split = 0;
      for (TransactionId tx : world.faults().heuristicTransactions()) {
        for (TwoPhaseShard shard : shards) {
          split += shard.appliedByTransaction.getOrDefault(tx, 0L);
        }
      }
      Invariants.conservation(
          ACCOUNTS * OPENING + split, balances.values().stream().mapToLong(Long::longValue).sum());
    }
  }

  @Test
  void keepsEveryInvariantUnderFaultsCrashesAndRestarts() {
    TwoPhaseScenario[] built = new TwoPhaseScenario[1];
    SimulationResult result =
        Simulation.withSeed(1979)
            .faults(
                FaultPlan.uniform(0.02)
                    .withBlock(0.02)
                    .withHeuristic(0.01)
                    .withInterrupt(0.02)
                    .withListenerError(0.01)
                    .withDuplicateId(0.005))
            .crashEvery(29)
            .transactions(TccSimulationTest.TRANSACTIONS)
            .run(world -> built[0] = new TwoPhaseScenario(world, false));
    assertThat(result.committed()).isPositive();
    assertThat(built[0].shards.stream().mapToLong(s -> s.onePhaseCommits).sum()).as("one-phase commits").isPositive();
    assertThat(result.rolledBack()).isPositive();
    assertThat(result.crashes()).isPositive();
    assertThat(result.faults().restarts()).isPositive();
    assertThat(result.faults().blocked()).as("calls blocked past their timeout").isPositive();
    assertThat(result.faults().heuristics()).as("heuristic answers").isPositive();
    assertThat(result.mixed()).as("transactions reported Mixed").isPositive();
    assertThat(result.world().interrupts()).as("interrupted callers").isPositive();
    System.err.printf(
        "2PC simulation: %d transactions, %.0f/s, %d crashes, %d mixed, faults %s, world %s%n",
        result.transactions(), result.transactionsPerSecond(), result.crashes(), result.mixed(), result.faults(),
        result.world());
  }

  @Test
  void catchesATwoPhaseParticipantThatForgetsItsPreparedStateOnRestart() {
    SimulationFailure failure =
        TccSimulationTest.firstFailure(
            1_000,
            seed -> Simulation.withSeed(seed).faults(new FaultPlan(0, 0, 0, 0, 0.2)).crashEvery(3).transactions(40),
            world -> new TwoPhaseScenario(world, true));
    assertThat(failure).as("a failing seed within 1,000").isNotNull();
    assertThat(failure).hasMessageContaining("replay:");
  }
}
