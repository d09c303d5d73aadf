package com.example;

import dev.settle.core.Outcome;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;

/** The README's TCC example: $100 from A on shard-1 to C on shard-2. */
public final class Transfer {
  private Transfer() {}

  /** Runs the example on {@code log} and returns its outcome. */
  public static Outcome run(TransactionLog log) {
    // readme:begin tcc
    InMemoryTccFence fence = InMemoryTccFence.create();
    TccParticipant shard1 = fence.protect(new AccountsShard("shard-1"));   // your code, written once
    TccParticipant shard2 = fence.protect(new AccountsShard("shard-2"));

    TccCoordinator coordinator = TccCoordinator.builder()
        .log(log)                                   // durable log in production
        .participant(shard1).participant(shard2)    // found again by name after a crash
        .tryTimeout(Duration.ofSeconds(2))
        .build();
    coordinator.recover();                          // finish whatever a crash left

    Outcome outcome = coordinator.execute(TccTransaction.builder()
        .branch("debit-A", shard1, "A:-100")
        .branch("credit-C", shard2, "C:100")
        .build());
    outcome.orThrow();                              // in-doubt or heuristic outcomes throw
    // readme:end
    coordinator.close();
    return outcome;
  }
}
