package dev.settle.tcc.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.config.CoordinatorSettings;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.internal.EventDispatcher;
import dev.settle.core.internal.Journal;
import dev.settle.core.internal.MdcScope;
import dev.settle.core.internal.ParallelRound;
import dev.settle.core.internal.PhaseTwo;
import dev.settle.core.internal.Reason;
import dev.settle.core.internal.RecoveryLoop;
import dev.settle.core.internal.RecoveryPass;
import dev.settle.core.internal.Retrier;
import dev.settle.core.log.BranchImage;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.TransactionImage;
import dev.settle.tcc.TccBranch;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The TCC coordinator: logs branches, runs Tries in parallel, decides, drives phase two. */
public final class TccCoordinatorImpl implements TccCoordinator {
  private final CoordinatorSettings settings;
  private final Map<String, TccParticipant> participants;
  private final Duration tryTimeout;
  private final Duration transactionTimeout;
  private final @Nullable RecoveryLoop recoveryLoop;
  private final Journal journal;
  private final EventDispatcher events;
  private final PhaseTwo phaseTwo;
  private final ParallelRound tryRound;
  private final Set<TransactionId> inFlight = ConcurrentHashMap.newKeySet();

  public TccCoordinatorImpl(
      CoordinatorSettings settings,
      Map<String, TccParticipant> participants,
      Duration tryTimeout,
      Duration transactionTimeout) {
    this.settings = settings;
    this.participants = new ConcurrentHashMap<>(participants);
    this.tryTimeout = tryTimeout;
    this.transactionTimeout = transactionTimeout;
    this.events = new EventDispatcher(settings.clock(), settings.listeners(), PROTOCOL);
    this.journal = new Journal(settings.log(), PROTOCOL, events, settings.nodeName());
    this.phaseTwo = PhaseTwo.of(journal, events, settings);
    this.tryRound = new ParallelRound(settings.executor(), settings.clock(), events);
    this.recoveryLoop = RecoveryLoop.startIfAsked(this, settings, PROTOCOL); // last: it may call recover()
  }

  @Override
  public Outcome execute(TccTransaction transaction) {
    TransactionId tx = settings.idGenerator().next();
    journal.reserve(tx); // a reused id is refused here, before anything runs or is logged
    inFlight.add(tx);
    try (MdcScope mdc = MdcScope.open(tx)) {
      long start = settings.clock().millis();
      Instant deadline = Instant.ofEpochMilli(start + transactionTimeout.toMillis());
      // Branches are durable before any Try, so a crash mid-Try still leaves recovery a list of
      // branches to cancel: no reservation is left hanging.
      List<TccBranch> branches = transaction.branches();
      // Each branch's payload, copied once here instead of at each of its calls.
      List<byte[]> payloads = new ArrayList<>(branches.size());
      List<LogRecord> opening = new ArrayList<>(branches.size() + 1);
      opening.add(new LogRecord.Begin(tx, PROTOCOL, start, deadline.toEpochMilli(), settings.nodeName()));
      for (TccBranch branch : branches) {
        // One rule for every protocol: a participant used by execute is known to this
        // coordinator's recovery from then on, as with 2PC and sagas.
        participants.putIfAbsent(branch.participant().name(), branch.participant());
        byte[] payload = branch.payload();
        payloads.add(payload);
        opening.add(new LogRecord.BranchRegistered(tx, branch.id(), branch.participant().name(), payload));
      }
      journal.append(opening, true);
      events.publish(tx, EventType.TRANSACTION_BEGUN, events.listened() ? branches.size() + " branches" : "");
      for (TccBranch branch : branches) {
        events.publish(tx, branch.id(), EventType.BRANCH_REGISTERED, branch.participant().name());
      }

      List<ParallelRound.Call<Void>> tries = new ArrayList<>(branches.size());
      for (int i = 0; i < branches.size(); i++) {
        TccBranch branch = branches.get(i);
        TccContext context = new TccContext(tx, branch.id(), payloads.get(i), 1, deadline);
        tries.add(
            new ParallelRound.Call<>(
                branch.id(),
                () -> {
                  branch.participant().tryReserve(context);
                  return null;
                }));
      }
      Reason reason = Reason.of("");
      for (ParallelRound.Answer<Void> answer :
          tryRound.run(tx, tries, tryTimeout, deadline.toEpochMilli(), "try")) {
        if (!answer.succeeded() && reason.isEmpty()) {
          reason = new Reason("branch " + answer.id() + ": " + answer.failure(), answer.id(), answer.error());
        }
      }
      Decision decision = reason.isEmpty() ? Decision.COMMIT : Decision.ROLLBACK;
      journal.decide(tx, decision, reason);
      events.publish(
          tx,
          decision == Decision.COMMIT ? EventType.DECIDED_COMMIT : EventType.DECIDED_ROLLBACK,
          reason.text());

      List<PhaseTwo.Branch> calls = new ArrayList<>(branches.size());
      for (int i = 0; i < branches.size(); i++) {
        TccBranch branch = branches.get(i);
        calls.add(phaseTwoCall(tx, branch.id(), branch.participant(), payloads.get(i), deadline, decision));
      }
      return phaseTwo.drive(tx, decision, calls, Map.of(), reason);
    } finally {
      inFlight.remove(tx);
    }
  }

  @Override
  public void close() {
    if (recoveryLoop != null) {
      recoveryLoop.stop();
    }
    journal.release();
  }

  @Override
  public List<Outcome> recover() {
    return RecoveryPass.run(journal, events, inFlight, this::recoverOne);
  }

  private Outcome recoverOne(TransactionImage image) {
    TransactionId tx = image.transactionId();
    RecoveryPass.Resolved resolved = RecoveryPass.resolve(journal, events, image, true, settings.nodeName());
    Decision decision = resolved.decision();
    Reason reason = resolved.reason();
    Instant deadline = Instant.ofEpochMilli(image.deadlineMillis());
    RecoveryPass.Sorted<TccParticipant> sorted = RecoveryPass.sort(image, participants::get, events);
    List<PhaseTwo.Branch> calls = new ArrayList<>();
    sorted.toFinish().forEach(
        (branch, participant) ->
            calls.add(phaseTwoCall(tx, branch.branchId(), participant, branch.payload(), deadline, decision)));
    return phaseTwo.drive(tx, decision, calls, sorted.settled(), reason);
  }

  private static PhaseTwo.Branch phaseTwoCall(
      TransactionId tx,
      BranchId branch,
      TccParticipant participant,
      byte[] payload,
      Instant deadline,
      Decision decision) {
    return new PhaseTwo.Branch(
        branch,
        attempt -> {
          TccContext context = new TccContext(tx, branch, payload, attempt, deadline);
          if (decision == Decision.COMMIT) {
            participant.confirm(context);
          } else {
            participant.cancel(context);
          }
        });
  }

  @Override
  public Optional<Decision> decisionFor(TransactionId transactionId) {
    return Optional.ofNullable(journal.decisionFor(transactionId));
  }

  @Override
  public String toString() {
    return "TccCoordinator[participants=" + participants.keySet() + ", tryTimeout=" + tryTimeout
        + ", transactionTimeout=" + transactionTimeout + "]";
  }
}
