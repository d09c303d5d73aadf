package dev.settle.micrometer.internal;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code settle.branch.call} observation for each phase-one call (prepare, Try, saga action),
 * from its start event to its answer, under the observation current on the thread that reports
 * it (the transaction's, when the coordinator is wrapped by ObservedCoordinator). Phase-two calls
 * have no start event and are not observed.
 */
public final class BranchCallObservations implements TransactionListener {
  private final String protocol;
  private final ObservationRegistry registry;
  private final Map<TransactionId, Map<BranchId, Observation>> running = new ConcurrentHashMap<>();

  public BranchCallObservations(String protocol, ObservationRegistry registry) {
    this.protocol = protocol;
    this.registry = registry;
  }

  @Override
  public void onEvent(TransactionEvent event) {
    BranchId branch = event.branchId();
    switch (event.type()) {
      case BRANCH_PREPARING -> {
        if (branch != null) {
          Observation call =
              Observation.createNotStarted("settle.branch.call", registry)
                  .contextualName(protocol + " " + branch.value())
                  .parentObservation(registry.getCurrentObservation())
                  .lowCardinalityKeyValue("protocol", protocol)
                  .highCardinalityKeyValue("transaction.id", event.transactionId().value())
                  .highCardinalityKeyValue("branch.id", branch.value())
                  .start();
          running.computeIfAbsent(event.transactionId(), tx -> new ConcurrentHashMap<>()).put(branch, call);
        }
      }
      case BRANCH_PREPARED, BRANCH_READ_ONLY -> stop(event, "ok");
      case BRANCH_FAILED -> stop(event, "failed");
      case TRANSACTION_COMMITTED, TRANSACTION_ROLLED_BACK, TRANSACTION_HEURISTIC, OWNERSHIP_LOST -> {
        Map<BranchId, Observation> left = running.remove(event.transactionId());
        if (left != null) {
          left.values().forEach(o -> o.lowCardinalityKeyValue("result", "unanswered").stop());
        }
      }
      default -> {
        // not a phase-one call
      }
    }
  }

  private void stop(TransactionEvent event, String result) {
    Map<BranchId, Observation> calls = running.get(event.transactionId());
    BranchId branch = event.branchId();
    Observation call = calls == null || branch == null ? null : calls.remove(branch);
    if (call != null) {
      call.lowCardinalityKeyValue("result", result).stop();
    }
  }
}
