package dev.settle.micrometer.internal;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Optional;

/**
 * A coordinator whose {@code execute} runs inside a {@code settle.transaction} observation: a
 * span when a tracing bridge is present, with the outcome and cause as low-cardinality keys and
 * the transaction id as a high-cardinality one.
 */
public final class ObservedCoordinator<T> implements Coordinator<T> {
  private final Coordinator<T> delegate;
  private final String protocol;
  private final ObservationRegistry registry;

  public ObservedCoordinator(Coordinator<T> delegate, String protocol, ObservationRegistry registry) {
    this.delegate = delegate;
    this.protocol = protocol;
    this.registry = registry;
  }

  @Override
  public Outcome execute(T transaction) {
    Observation observation =
        Observation.createNotStarted("settle.transaction", registry)
            .contextualName(protocol + " transaction")
            .lowCardinalityKeyValue("protocol", protocol)
            .start();
    try (Observation.Scope scope = observation.openScope()) {
      Outcome outcome = delegate.execute(transaction);
      observation
          .lowCardinalityKeyValue("outcome", OutcomeTags.outcome(outcome))
          .lowCardinalityKeyValue("cause", OutcomeTags.cause(outcome))
          .highCardinalityKeyValue("transaction.id", outcome.transactionId().value());
      return outcome;
    } catch (RuntimeException | Error e) {
      observation.lowCardinalityKeyValue("outcome", "error").lowCardinalityKeyValue("cause", "none").error(e);
      throw e;
    } finally {
      observation.stop();
    }
  }

  @Override
  public List<Outcome> recover() {
    return Observation.createNotStarted("settle.recovery", registry)
        .lowCardinalityKeyValue("protocol", protocol)
        .observe(delegate::recover);
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
    return "Observed" + delegate;
  }
}
