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
 * Branch calls, retries and recovery from a coordinator's events. Phase-one calls have a start
 * event (BRANCH_PREPARING) and an end (PREPARED or FAILED), so they are timed, tagged with the
 * participant registered for the branch (a saga's step name); phase-two calls only end, so they
 * are counted. A transaction recovery picked up is counted once it stands (ended, in doubt, or
 * lost to another node), tagged with whether this node resumed it or took it over.
 *
 * <p>What is kept per transaction (participants until the decision, starts of calls in progress,
 * recoveries until they stand) is dropped when the transaction ends, so nothing grows for long.
 */
public final class BranchCallMeters implements TransactionListener {
  private final String protocol;
  private final MeterRegistry registry;
  private final Map<TransactionId, Map<BranchId, Started>> running = new ConcurrentHashMap<>();
  private final Map<TransactionId, Map<BranchId, String>> participants = new ConcurrentHashMap<>();
  private final Map<TransactionId, String> recovering = new ConcurrentHashMap<>();

  private record Started(long nanos, String phase, String participant) {}

  public BranchCallMeters(String protocol, MeterRegistry registry) {
    this.protocol = protocol;
    this.registry = registry;
  }

  @Override
  public void onEvent(TransactionEvent event) {
    BranchId branch = event.branchId();
    EventType type = event.type();
    switch (type) {
      case BRANCH_REGISTERED -> {
        if (branch != null) {
          participants
              .computeIfAbsent(event.transactionId(), tx -> new ConcurrentHashMap<>())
              .put(branch, event.detail());
        }
      }
      case BRANCH_PREPARING -> {
        if (branch != null) {
          running
              .computeIfAbsent(event.transactionId(), tx -> new ConcurrentHashMap<>())
              .put(
                  branch,
                  new Started(System.nanoTime(), phase(event.detail()), participant(event, branch)));
        }
      }
      case DECIDED_COMMIT, DECIDED_ROLLBACK -> participants.remove(event.transactionId());
      case TRANSACTION_RECOVERING ->
          recovering.put(
              event.transactionId(),
              event.detail().startsWith("taken over") ? "taken_over" : "resumed");
      case BRANCH_PREPARED, BRANCH_READ_ONLY -> called(event.transactionId(), branch, "ok");
      case BRANCH_FAILED -> called(event.transactionId(), branch, "failed");
      case BRANCH_COMMITTED -> phaseTwo("committed");
      case BRANCH_ROLLED_BACK -> phaseTwo("rolled_back");
      case BRANCH_IN_DOUBT -> {
        phaseTwo("in_doubt");
        recovered(event.transactionId(), "in_doubt");
      }
      case BRANCH_HEURISTIC -> phaseTwo("heuristic");
      case BRANCH_RETRYING ->
          Counter.builder("settle.branch.retries")
              .description("phase-two calls and saga steps retried")
              .tag("protocol", protocol)
              .register(registry)
              .increment();
      case TRANSACTION_COMMITTED, TRANSACTION_ROLLED_BACK, TRANSACTION_HEURISTIC, OWNERSHIP_LOST -> {
        TransactionId tx = event.transactionId();
        running.remove(tx);
        participants.remove(tx);
        recovered(tx, ended(type));
      }
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
        .tag("participant", started.participant())
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

  /** Counts a transaction recovery picked up, once, when it stands {@code outcome}. */
  private void recovered(TransactionId tx, String outcome) {
    String origin = recovering.remove(tx);
    if (origin == null) {
      return; // not picked up by recovery, or already counted
    }
    Counter.builder("settle.recovery.transactions")
        .description("transactions recovery picked up, by whose they were and how they stand after it")
        .tag("protocol", protocol)
        .tag("origin", origin)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private static String ended(EventType type) {
    return switch (type) {
      case TRANSACTION_COMMITTED -> "committed";
      case TRANSACTION_ROLLED_BACK -> "rolled_back";
      case TRANSACTION_HEURISTIC -> "mixed";
      default -> "lost";
    };
  }

  /**
   * The participant tag of a branch: the name registered for it, a saga step's own name (its
   * start event says {@code step NAME}), or {@code unknown} when the registration came before
   * this listener.
   */
  private String participant(TransactionEvent event, BranchId branch) {
    Map<BranchId, String> registered = participants.get(event.transactionId());
    String name = registered == null ? null : registered.get(branch);
    if (name != null) {
      return name;
    }
    return event.detail().startsWith("step ") ? branch.value() : "unknown";
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
