package dev.settle.examples.wallet;

import dev.settle.core.Coordinator;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.testkit.Faults;
import dev.settle.testkit.World;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseCoordinatorBuilder;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Transfers by two-phase commit: debit and credit are staged as work, then prepared and committed. */
final class TwoPhaseTransfers implements Transfers<TwoPhaseTransaction> {
  private final Bank bank;
  private final Map<Shard, TwoPhaseShard> nodes = new LinkedHashMap<>();
  private final Map<Shard, TwoPhaseParticipant> wired = new LinkedHashMap<>();

  TwoPhaseTransfers(Bank bank, Faults faults) {
    this.bank = bank;
    for (Shard shard : bank.shards()) {
      TwoPhaseShard node = new TwoPhaseShard(shard);
      nodes.put(shard, node);
      wired.put(shard, faults.twoPhase(node));
    }
  }

  @Override
  public Coordinator<TwoPhaseTransaction> coordinator(World world, TransactionLog log, TransactionListener listener) {
    TwoPhaseCoordinatorBuilder b =
        world.configure(TwoPhaseCoordinator.builder())
            .log(log)
            .listener(listener)
            .prepareTimeout(Duration.ofSeconds(2));
    wired.values().forEach(b::participant);
    return b.build();
  }

  @Override
  public TwoPhaseTransaction transfer(String from, String to, long cents) {
    Shard debit = bank.shardOf(from);
    Shard credit = bank.shardOf(to);
    return TwoPhaseTransaction.builder()
        .enlist("debit", wired.get(debit))
        .enlist("credit", wired.get(credit))
        .work(
            tx -> {
              nodes.get(debit).stage(tx + "/debit", new Change(from, -cents));
              nodes.get(credit).stage(tx + "/credit", new Change(to, cents));
            })
        .build();
  }

  @Override
  public long hangingReservations() {
    return nodes.values().stream().mapToLong(TwoPhaseShard::preparedBranches).sum();
  }
}
