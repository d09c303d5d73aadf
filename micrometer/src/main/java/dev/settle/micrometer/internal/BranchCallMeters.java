package dev.settle.micrometer.internal;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.event.TransactionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Branch calls and retries from a coordinator's events. Phase-one calls have a start event
 * (BRANCH_PREPARING) and an end (PREPARED or FAILED), so they are timed; phase-two calls only
 * end, so they are counted. The starts of calls in progress are kept per transaction and dropped
 * when the transaction ends, so a crash mid-call leaks nothing for long.
 */
public final class BranchCallMeters implements TransactionListener {
  private final String protocol;
  private final MeterRegistry registry;
  private final Map<TransactionId, Map<BranchId, Started>> running = new ConcurrentHashMap<>();

  private record Started(long nanos, String phase) {}

  public BranchCallMeters(String protocol, MeterRegistry registry) {
    this.protocol = protocol;
    this.registry = registry;
  }

  @Override
  public void onEvent(TransactionEvent event) {
    BranchId branch = event.branchId();
    EventType type = event.type();
    switch (type) {
      case BRANCH_PREPARING -> {
        if (branch != null) {
          running
              .computeIfAbsent(event.transactionId(), tx -> new ConcurrentHashMap<>())
              .put(branch, new Started(System.nanoTime(), phase(event.detail())));
        }
      }
      case BRANCH_PREPARED, BRANCH_READ_ONLY -> called(event.transactionId(), branch, "ok");
      case BRANCH_FAILED -> called(event.transactionId(), branch, "failed");
      case BRANCH_COMMITTED -> phaseTwo("committed");
      case BRANCH_ROLLED_BACK -> phaseTwo("rolled_back");
      case BRANCH_IN_DOUBT -> phaseTwo("in_doubt");
      case BRANCH_HEURISTIC -> phaseTwo("heuristic");
      case BRANCH_RETRYING ->
          Counter.builder("settle.branch.retries")
              .description("phase-two calls and saga steps retried")
              .tag("protocol", protocol)
              .register(registry)
              .increment();
      case TRANSACTION_COMMITTED, TRANSACTION_ROLLED_BACK, TRANSACTION_HEURISTIC, OWNERSHIP_LOST ->
          running.remove(event.transactionId());
      default -> {
        // nothing to meter
      }
    }
  }

  private void called(TransactionId tx, @Nullable BranchId branch, String result) {
    Map<BranchId, Started> calls = running.get(tx);
    Started started = calls == null || branch == null ? null : calls.remove(branch);
    if (started == null) {
      return; // the start was before this listener, or the call had no start event
    }
    Timer.builder("settle.branch.calls")
        .description("phase-one calls: prepare, Try, saga action")
        .tag("protocol", protocol)
        .tag("phase", started.phase())
        .tag("result", result)
        .register(registry)
        .record(System.nanoTime() - started.nanos(), TimeUnit.NANOSECONDS);
  }

  private void phaseTwo(String result) {
    Counter.builder("settle.branch.phase.two")
        .description("phase-two answers: commit, confirm, cancel, compensate")
        .tag("protocol", protocol)
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /** The phase tag from the start event's detail, kept to a few values. */
  private static String phase(String detail) {
    if (detail.startsWith("step ")) {
      return "action";
    }
    return switch (detail) {
      case "try", "prepare", "one-phase commit" -> detail.replace(' ', '_').replace('-', '_');
      default -> "call";
    };
  }
}
