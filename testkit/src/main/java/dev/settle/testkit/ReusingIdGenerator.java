package dev.settle.testkit;

import dev.settle.core.TransactionId;
import dev.settle.core.TransactionIdGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hands out fresh ids from a generator, and at a seeded share of calls an id it handed out
 * before, as a caller that uses its own order numbers might.
 */
final class ReusingIdGenerator implements TransactionIdGenerator {
  private static final int REMEMBERED = 1_000;

  private final TransactionIdGenerator fresh;
  private final Random random;
  private final double rate;
  private final List<TransactionId> issued = new ArrayList<>();
  private boolean lastReused;
  private long reused;

  ReusingIdGenerator(TransactionIdGenerator fresh, Random random, double rate) {
    this.fresh = fresh;
    this.random = random;
    this.rate = rate;
  }

  @Override
  public synchronized TransactionId next() {
    if (rate > 0 && !issued.isEmpty() && random.nextDouble() < rate) {
      lastReused = true;
      reused++;
      return issued.get(random.nextInt(issued.size()));
    }
    lastReused = false;
    TransactionId id = fresh.next();
    if (issued.size() == REMEMBERED) {
      issued.set(random.nextInt(REMEMBERED), id);
    } else {
      issued.add(id);
    }
    return id;
  }

  /** Whether the last id handed out was a reused one; clears the answer. */
  synchronized boolean takeLastReused() {
    boolean r = lastReused;
    lastReused = false;
    return r;
  }

  synchronized long reused() {
    return reused;
  }
}
