package dev.settle.examples.wallet;

import dev.settle.core.BranchId;
import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import dev.settle.testkit.FaultPlan;
import dev.settle.testkit.World;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The demo the CLI runs with no flags: move $1 from A (shard-0) to C (shard-1) on each protocol,
 * showing every event, then a Cancel that overtakes its Try.
 */
public final class Story {
  private final PrintStream out;

  /** A story told on {@code out}. */
  public Story(PrintStream out) {
    this.out = out;
  }

  /** Tells it. */
  public void tell() {
    out.println("Settle wallet demo: move $1.00 from account A (shard-0) to account C (shard-1)");
    for (Protocol protocol : Protocol.values()) {
      transfer(protocol);
    }
    cancelBeforeTry();
  }

  private static Bank bank() {
    Bank bank = new Bank(2);
    bank.open("A", 0, 10_000);
    bank.open("C", 1, 0);
    return bank;
  }

  private TransactionListener printer() {
    return this::print;
  }

  private void print(TransactionEvent e) {
    String tx = e.transactionId().value();
    out.printf(
        "  %s %-8s %-24s %s%n",
        tx.substring(tx.length() - 6),
        e.branchId() == null ? "" : e.branchId().value(),
        e.type(),
        e.detail());
  }

  private void transfer(Protocol protocol) {
    out.println();
    out.println("== " + protocol.flag().toUpperCase(java.util.Locale.ROOT) + " ==");
    World world = new World(protocol.ordinal() + 11, FaultPlan.none());
    Bank bank = bank();
    Outcome outcome = run(Transfers.of(protocol, bank, world.faults(), world), world);
    out.printf(
        "  result: %s   A=%s  C=%s   total=%s%n",
        outcome.getClass().getSimpleName(), dollars(bank.shardOf("A").balance("A")),
        dollars(bank.shardOf("C").balance("C")), dollars(bank.total()));
  }

  private <T> Outcome run(Transfers<T> transfers, World world) {
    Coordinator<T> coordinator = transfers.coordinator(world, new InMemoryTransactionLog(), printer());
    return coordinator.execute(transfers.transfer("A", "C", 100));
  }

  /** The source's out-of-order case: the Cancel reaches shard-1 before the Try does. */
  private void cancelBeforeTry() {
    out.println();
    out.println("== TCC: the Cancel arrives before the Try ==");
    out.println("  The Try for C is delayed in the network; the coordinator times out and cancels.");
    World world = new World(2, FaultPlan.none());
    Bank bank = bank();
    InMemoryTccFence fence = new InMemoryTccFence(world.clock(), Duration.ofMinutes(10));
    TccParticipant shard0 = fence.protect(new TccShard(bank.shardOf("A")));
    TccParticipant realShard1 = fence.protect(new TccShard(bank.shardOf("C")));
    SlowNetwork shard1 = new SlowNetwork(realShard1);
    TccCoordinator coordinator =
        world.configure(TccCoordinator.builder())
            .log(new InMemoryTransactionLog())
            .participant(shard0)
            .participant(shard1)
            .listener(printer())
            .build();
    Outcome outcome =
        coordinator.execute(
            TccTransaction.builder()
                .branch("debit", shard0, new Change("A", -100).toBytes())
                .branch("credit", shard1, new Change("C", 100).toBytes())
                .build());
    out.printf(
        "  fence on shard-1 after the Cancel: %s (the source's flag \"cancel seen, try not seen\")%n",
        fence.state(outcome.transactionId(), BranchId.of("credit")).orElseThrow());
    out.println("  The delayed Try finally arrives: " + shard1.lateTryResult);
    out.printf(
        "  result: %s   A=%s  C=%s   nothing reserved: %s%n",
        outcome.getClass().getSimpleName(),
        dollars(bank.shardOf("A").balance("A")),
        dollars(bank.shardOf("C").balance("C")),
        fence.state(outcome.transactionId(), BranchId.of("debit")).orElseThrow());
  }

  /** Holds a Try back and delivers it only after the branch's Cancel went through. */
  private static final class SlowNetwork implements TccParticipant {
    private final TccParticipant shard;
    private TccContext heldTry;
    String lateTryResult = "(never)";

    SlowNetwork(TccParticipant shard) {
      this.shard = shard;
    }

    @Override
    public String name() {
      return shard.name();
    }

    @Override
    public void tryReserve(TccContext ctx) {
      heldTry = ctx;
      throw new ParticipantTimeoutException(ctx.transactionId(), ctx.branchId(), "no answer: the Try is stuck in the network");
    }

    @Override
    public void confirm(TccContext ctx) {
      shard.confirm(ctx);
    }

    @Override
    public void cancel(TccContext ctx) {
      shard.cancel(ctx);
      if (heldTry != null) {
        try {
          shard.tryReserve(heldTry);
          lateTryResult = "accepted (a hanging reservation!)";
        } catch (RuntimeException refused) {
          lateTryResult = "refused by the fence, nothing reserved (" + refused.getMessage() + ")";
        }
        heldTry = null;
      }
    }
  }

  static String dollars(long cents) {
    return String.format(java.util.Locale.ROOT, "%s$%d.%02d", cents < 0 ? "-" : "", Math.abs(cents) / 100, Math.abs(cents) % 100);
  }
}
