package com.example;

import dev.settle.core.Coordinator;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import dev.settle.testkit.Invariants;
import dev.settle.testkit.Scenario;
import dev.settle.testkit.World;
import java.util.List;

/**
 * The README's "your participants, workload, invariants": transfers between account A on one
 * {@link AccountsShard} and account C on the other, each shard fenced and wrapped in the world's
 * faults, and the wallet's invariants checked once the run is quiet.
 */
final class MyScenario implements Scenario<TccTransaction> {
  private final List<AccountsShard> shards =
      List.of(new AccountsShard("shard-1"), new AccountsShard("shard-2"));
  private final List<TccParticipant> participants;
  private final long totalBefore;

  MyScenario(World world) {
    InMemoryTccFence fence = world.tccFence();   // on the world's virtual clock
    participants = shards.stream()
        .map(shard -> world.faults().tcc(fence.protect(recording(shard, world))))
        .toList();
    totalBefore = total();
  }

  @Override
  public Coordinator<TccTransaction> coordinator(World world, TransactionLog log) {
    return world.configure(TccCoordinator.builder())
        .log(log)
        .participant(participants.get(0))
        .participant(participants.get(1))
        .tryTimeout(world.budget().phaseOne())
        .build();
  }

  @Override
  public TccTransaction nextTransaction(World world) {
    int from = world.random().nextInt(2);
    long amount = 1 + world.random().nextInt(40);
    return TccTransaction.builder()
        .branch("debit", participants.get(from), (from == 0 ? "A" : "C") + ":-" + amount)
        .branch("credit", participants.get(1 - from), (from == 0 ? "C" : "A") + ":" + amount)
        .build();
  }

  @Override
  public void checkInvariants(World world) {
    Invariants.noHangingReservation(shards.stream().mapToLong(AccountsShard::reserved).sum());
    for (AccountsShard shard : shards) {
      Invariants.noNegativeBalance(java.util.Map.of("A", shard.balance("A"), "C", shard.balance("C")));
    }
    Invariants.conservation(totalBefore, total());
  }

  private long total() {
    return shards.stream().mapToLong(AccountsShard::total).sum();
  }

  /** Tells the world what each branch applied, so that it can check every reported outcome. */
  private static TccParticipant recording(AccountsShard shard, World world) {
    return new TccParticipant() {
      @Override
      public String name() {
        return shard.name();
      }

      @Override
      public void tryReserve(TccContext context) {
        shard.tryReserve(context);
      }

      @Override
      public void confirm(TccContext context) {
        shard.confirm(context);
        world.applied().forward(context.transactionId(), context.branchId());
      }

      @Override
      public void cancel(TccContext context) {
        shard.cancel(context);
        world.applied().undone(context.transactionId(), context.branchId());
      }
    };
  }
}
