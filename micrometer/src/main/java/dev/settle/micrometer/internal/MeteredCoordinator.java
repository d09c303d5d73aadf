package dev.settle.micrometer.internal;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A coordinator whose {@code execute} and {@code recover} are metered; see SettleMetrics. */
public final class MeteredCoordinator<T> implements Coordinator<T> {
  private final Coordinator<T> delegate;
  private final String protocol;
  private final MeterRegistry registry;
  private final AtomicInteger active = new AtomicInteger();
  /** Transactions reported in doubt and not yet seen finished: what the in-doubt gauge counts. */
  private final Set<TransactionId> inDoubt = ConcurrentHashMap.newKeySet();

  public MeteredCoordinator(Coordinator<T> delegate, String protocol, MeterRegistry registry) {
    this.delegate = delegate;
    this.protocol = protocol;
    this.registry = registry;
    Gauge.builder("settle.transactions.active", active, AtomicInteger::get)
        .description("execute calls running")
        .tag("protocol", protocol)
        .strongReference(true)
        .register(registry);
    Gauge.builder("settle.transactions.in.doubt", inDoubt, Set::size)
        .description("transactions reported in doubt that recovery has not finished yet")
        .tag("protocol", protocol)
        .strongReference(true)
        .register(registry);
  }

  @Override
  public Outcome execute(T transaction) {
    active.incrementAndGet();
    Timer.Sample sample = Timer.start(registry);
    String outcomeTag = "error";
    String causeTag = "none";
    try {
      Outcome outcome = delegate.execute(transaction);
      outcomeTag = OutcomeTags.outcome(outcome);
      causeTag = OutcomeTags.cause(outcome);
      track(outcome);
      return outcome;
    } finally {
      sample.stop(
          Timer.builder("settle.transactions")
              .description("transactions run by execute, by how they ended")
              .tag("protocol", protocol)
              .tag("outcome", outcomeTag)
              .tag("cause", causeTag)
              .register(registry));
      active.decrementAndGet();
    }
  }

  @Override
  public List<Outcome> recover() {
    List<Outcome> outcomes = delegate.recover();
    // Recovered transactions are counted by the listener (settle.recovery.transactions), which
    // sees whether each was resumed or taken over; here they only update the in-doubt gauge.
    for (Outcome outcome : outcomes) {
      track(outcome);
    }
    return outcomes;
  }

  private void track(Outcome outcome) {
    if (outcome instanceof Outcome.InDoubt) {
      inDoubt.add(outcome.transactionId());
    } else {
      inDoubt.remove(outcome.transactionId());
    }
  }

  @Override
  public Optional<Decision> decisionFor(TransactionId transactionId) {
    return delegate.decisionFor(transactionId);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Metered" + delegate;
  }
}
