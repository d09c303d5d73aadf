package dev.settle.testkit;

import dev.settle.core.CoordinatorBuilder;
import dev.settle.core.Scheduler;
import dev.settle.core.TransactionIdGenerator;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * Everything a simulated run shares: one seeded random source, a virtual clock, a scheduler that
 * advances it instead of sleeping, a direct executor (one thread, a fixed order) and the fault
 * layer. The same seed gives the same run.
 */
public final class World {
  private final long seed;
  private final Random random;
  private final VirtualClock clock;
  private final Faults faults;
  private final TransactionIdGenerator ids;
  private final Scheduler scheduler;
  private final Executor executor = Runnable::run;

  /** A world for {@code seed} with faults drawn from {@code plan}. */
  public World(long seed, FaultPlan plan) {
    this.seed = seed;
    this.random = new Random(seed);
    this.clock = new VirtualClock(1_700_000_000_000L);
    // Separate streams, so adding a fault draw does not change the ids and vice versa.
    this.faults = new Faults(new Random(seed * 31 + 7), plan);
    this.ids = TransactionIdGenerator.timeOrdered(clock, new Random(seed * 17 + 3));
    this.scheduler = clock::advance;
  }

  /** Applies this world's clock, executor, scheduler, ids and jitter source to a builder. */
  public <B extends CoordinatorBuilder<B>> B configure(B builder) {
    return builder
        .clock(clock)
        .executor(executor)
        .scheduler(scheduler)
        .idGenerator(ids)
        .random(new Random(random.nextLong()));
  }

  /** The seed this world was made from. */
  public long seed() {
    return seed;
  }

  /** The world's random source, for workloads. */
  public Random random() {
    return random;
  }

  /** Virtual time. */
  public VirtualClock clock() {
    return clock;
  }

  /** The fault layer. */
  public Faults faults() {
    return faults;
  }

  /** Lets some virtual time pass. */
  public void tick(Duration duration) {
    clock.advance(duration);
  }
}
