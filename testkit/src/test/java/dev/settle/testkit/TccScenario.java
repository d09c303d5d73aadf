package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccCoordinatorBuilder;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Random transfers between accounts on several TCC shards. {@code protect} decides what stands
 * between the fault layer and a shard: the real fence, or a planted bug.
 */
class TccScenario implements Scenario<TccTransaction> {
  static final int SHARDS = 3;
  static final int ACCOUNTS = 12;
  static final long OPENING = 1_000;

  final List<TccShard> shards = new ArrayList<>();
  final List<TccParticipant> wired = new ArrayList<>();
  private int next;

  TccScenario(World world, UnaryOperator<TccParticipant> protect) {
    this(world, protect, p -> p);
  }

  /** {@code client} stands between the coordinator and the fault layer (the network). */
  TccScenario(World world, UnaryOperator<TccParticipant> protect, UnaryOperator<TccParticipant> client) {
    for (int s = 0; s < SHARDS; s++) {
      TccShard shard = new TccShard("shard-" + s, world.applied());
      shards.add(shard);
      wired.add(client.apply(world.faults().tcc(protect.apply(shard))));
    }
    for (int a = 0; a < ACCOUNTS; a++) {
      shards.get(a % SHARDS).available.put("acct" + a, OPENING);
    }
  }

  /** The real fence: what a correct participant looks like. */
  static TccScenario fenced(World world) {
    return fenced(world, p -> p);
  }

  /** The real fence, with {@code client} between the coordinator and the network. */
  static TccScenario fenced(World world, UnaryOperator<TccParticipant> client) {
    InMemoryTccFence fence = new InMemoryTccFence(world.clock(), Duration.ofMinutes(10));
    return new TccScenario(world, fence::protect, client);
  }

  @Override
  public Coordinator<TccTransaction> coordinator(World world, TransactionLog log) {
    TccCoordinatorBuilder b =
        world.configure(TccCoordinator.builder()).log(log).tryTimeout(world.budget().phaseOne());
    wired.forEach(b::participant);
    return b.build();
  }

  @Override
  public TccTransaction nextTransaction(World world) {
    int from = world.random().nextInt(ACCOUNTS);
    int to = (from + 1 + world.random().nextInt(ACCOUNTS - 1)) % ACCOUNTS;
    long amount = 1 + world.random().nextInt(400);
    next++;
    return TccTransaction.builder()
        .branch("debit", wired.get(from % SHARDS), "acct" + from + ":-" + amount)
        .branch("credit", wired.get(to % SHARDS), "acct" + to + ":" + amount)
        .build();
  }

  @Override
  public void checkInvariants(World world) {
    Map<String, Long> balances = new HashMap<>();
    long held = 0;
    for (TccShard shard : shards) {
      balances.putAll(shard.available);
      held += shard.held();
    }
    Invariants.noHangingReservation(held);
    Invariants.noNegativeBalance(balances);
    Invariants.conservation(ACCOUNTS * OPENING, balances.values().stream().mapToLong(Long::longValue).sum());
  }
}
