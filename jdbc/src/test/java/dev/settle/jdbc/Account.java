package dev.settle.jdbc;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCC participant for the tests: remembers which transactions it confirmed and cancelled (a
 * set, so repeats are no-ops, as a fenced participant's are), can be told to fail its confirms,
 * and can hold a confirm until the test lets it go.
 */
final class Account implements TccParticipant {
  private final String name;
  final Set<String> tried = ConcurrentHashMap.newKeySet();
  final Set<String> confirmed = ConcurrentHashMap.newKeySet();
  final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  final AtomicBoolean failConfirms = new AtomicBoolean();
  volatile CountDownLatch holdConfirm = new CountDownLatch(0);
  final CountDownLatch confirmEntered = new CountDownLatch(1);

  Account(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void tryReserve(TccContext context) {
    tried.add(context.transactionId().value());
  }

  @Override
  public void confirm(TccContext context) {
    confirmEntered.countDown();
    try {
      if (!holdConfirm.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("confirm held too long");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failConfirms.get()) {
      throw new IllegalStateException("confirm unavailable");
    }
    confirmed.add(context.transactionId().value());
  }

  @Override
  public void cancel(TccContext context) {
    cancelled.add(context.transactionId().value());
  }
}
