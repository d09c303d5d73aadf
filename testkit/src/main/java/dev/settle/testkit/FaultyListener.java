package dev.settle.testkit;

import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import java.util.Random;

/** A listener that throws {@link InjectedListenerError} at a seeded share of events. */
final class FaultyListener implements TransactionListener {
  private final Random random;
  private final double rate;
  private long thrown;

  FaultyListener(Random random, double rate) {
    this.random = random;
    this.rate = rate;
  }

  @Override
  public void onEvent(TransactionEvent event) {
    boolean strike;
    synchronized (this) {
      strike = rate > 0 && random.nextDouble() < rate;
      if (strike) {
        thrown++;
      }
    }
    if (strike) {
      throw new InjectedListenerError(String.valueOf(event));
    }
  }

  synchronized long thrown() {
    return thrown;
  }
}
