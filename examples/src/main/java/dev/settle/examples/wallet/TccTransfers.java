package dev.settle.examples.wallet;

import dev.settle.core.Coordinator;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.TccCoordinatorBuilder;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import dev.settle.testkit.Faults;
import dev.settle.testkit.World;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Transfers by TCC: the debit is reserved and the credit noted, then both confirmed or cancelled. */
final class TccTransfers implements Transfers<TccTransaction> {
  private final Bank bank;
  private final Map<Shard, TccShard> nodes = new LinkedHashMap<>();
  private final Map<Shard, TccParticipant> wired = new LinkedHashMap<>();
  private final InMemoryTccFence fence;

  TccTransfers(Bank bank, Faults faults, World world) {
    this.bank = bank;
    this.fence = new InMemoryTccFence(world.clock(), Duration.ofMinutes(10));
    for (Shard shard : bank.shards()) {
      TccShard node = new TccShard(shard);
      nodes.put(shard, node);
      // coordinator -> faults (the network) -> fence -> shard
      wired.put(shard, faults.tcc(fence.protect(node)));
    }
  }

  /** The fence, for the story to show its records. */
  InMemoryTccFence fence() {
    return fence;
  }

  @Override
  public Coordinator<TccTransaction> coordinator(World world, TransactionLog log, TransactionListener listener) {
    TccCoordinatorBuilder b =
        world.configure(TccCoordinator.builder())
            .log(log)
            .listener(listener)
            .tryTimeout(Duration.ofSeconds(2));
    wired.values().forEach(b::participant);
    return b.build();
  }

  @Override
  public TccTransaction transfer(String from, String to, long cents) {
    return TccTransaction.builder()
        .branch("debit", wired.get(bank.shardOf(from)), new Change(from, -cents).toBytes())
        .branch("credit", wired.get(bank.shardOf(to)), new Change(to, cents).toBytes())
        .build();
  }

  @Override
  public long hangingReservations() {
    return nodes.values().stream().mapToLong(TccShard::reserved).sum();
  }
}
