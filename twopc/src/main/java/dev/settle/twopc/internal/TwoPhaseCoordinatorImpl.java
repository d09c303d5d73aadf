package dev.settle.twopc.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.CoordinatorSettings;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.internal.EventDispatcher;
import dev.settle.core.internal.Journal;
import dev.settle.core.internal.MdcScope;
import dev.settle.core.internal.ParallelRound;
import dev.settle.core.internal.PhaseTwo;
import dev.settle.core.internal.RecoveryPass;
import dev.settle.core.internal.Retrier;
import dev.settle.core.log.BranchImage;
import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionImage;
import dev.settle.twopc.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The 2PC coordinator with presumed abort: nothing before the commit decision is forced, the
 * commit decision is the one forced write, and a transaction with no logged decision is rolled
 * back by recovery.
 */
public final class TwoPhaseCoordinatorImpl implements TwoPhaseCoordinator {
  private final CoordinatorSettings settings;
  private final Map<String, TwoPhaseParticipant> participants;
  private final Duration prepareTimeout;
  private final Journal journal;
  private final EventDispatcher events;
  private final PhaseTwo phaseTwo;
  private final ParallelRound prepareRound;
  private final Set<TransactionId> inFlight = ConcurrentHashMap.newKeySet();

  public TwoPhaseCoordinatorImpl(
      CoordinatorSettings settings,
      Map<String, TwoPhaseParticipant> participants,
      Duration prepareTimeout) {
    this.settings = settings;
    this.participants = new ConcurrentHashMap<>(participants);
    this.prepareTimeout = prepareTimeout;
    this.journal = new Journal(settings.log(), PROTOCOL);
    this.events = new EventDispatcher(settings.clock(), settings.listeners());
    this.phaseTwo =
        new PhaseTwo(
            journal,
            events,
            new Retrier(
                settings.phaseTwoRetry(), settings.clock(), settings.scheduler(), settings.random()));
    this.prepareRound = new ParallelRound(settings.executor(), settings.clock(), events);
  }

  @Override
  public Outcome execute(TwoPhaseTransaction transaction) {
    TransactionId tx = settings.idGenerator().next();
    journal.reserve(tx); // a reused id is refused here, before anything runs or is logged
    inFlight.add(tx);
    try (MdcScope mdc = MdcScope.open(tx)) {
      Map<BranchId, TwoPhaseParticipant> branches = transaction.participants();
      long start = settings.clock().millis();
      List<LogRecord> opening = new ArrayList<>();
      opening.add(new LogRecord.Begin(tx, PROTOCOL, start, start + prepareTimeout.toMillis()));
      branches.forEach(
          (id, p) -> {
            participants.putIfAbsent(p.name(), p);
            opening.add(new LogRecord.BranchRegistered(tx, id, p.name(), new byte[0]));
          });
      // Presumed abort: losing these in a crash is safe, so they are not forced.
      journal.append(opening, false);
      events.publish(tx, EventType.TRANSACTION_BEGUN, branches.size() + " participants");
      branches.forEach((id, p) -> events.publish(tx, id, EventType.BRANCH_REGISTERED, p.name()));

      String workFailure = runWork(tx, transaction);
      if (!workFailure.isEmpty()) {
        return rollBack(tx, branches, Map.of(), workFailure);
      }
      if (branches.size() == 1) {
        return onePhase(tx, branches.keySet().iterator().next(), branches.values().iterator().next());
      }
      return twoPhase(tx, branches, start);
    } finally {
      inFlight.remove(tx);
    }
  }

  private String runWork(TransactionId tx, TwoPhaseTransaction transaction) {
    Map<BranchId, TwoPhaseParticipant> branches = transaction.participants();
    boolean success = false;
    String failure = "";
    Map<BranchId, TwoPhaseParticipant> begun = new LinkedHashMap<>();
    try {
      for (Map.Entry<BranchId, TwoPhaseParticipant> e : branches.entrySet()) {
        e.getValue().begin(new TwoPhaseContext(tx, e.getKey(), 1));
        begun.put(e.getKey(), e.getValue());
      }
      transaction.work().run(tx);
      success = true;
    } catch (Exception e) {
      failure = "work failed: " + e;
    }
    for (Map.Entry<BranchId, TwoPhaseParticipant> e : begun.entrySet()) {
      BranchId id = e.getKey();
      try {
        e.getValue().end(new TwoPhaseContext(tx, id, 1), success);
      } catch (RuntimeException endFailure) {
        if (failure.isEmpty()) {
          failure = "branch " + id + " could not end its work: " + endFailure;
        }
      }
    }
    return failure;
  }

  private Outcome onePhase(TransactionId tx, BranchId id, TwoPhaseParticipant participant) {
    // One participant decides alone: no prepare, no forced decision.
    try {
      participant.commit(new TwoPhaseContext(tx, id, 1), true);
    } catch (RuntimeException e) {
      return rollBack(tx, Map.of(id, participant), Map.of(), "one-phase commit failed: " + e);
    }
    journal.append(
        List.of(new LogRecord.BranchUpdated(tx, id, BranchState.COMMITTED), new LogRecord.End(tx)),
        false);
    events.publish(tx, id, EventType.BRANCH_COMMITTED, "one-phase");
    events.publish(tx, EventType.TRANSACTION_COMMITTED, "one-phase");
    return new Outcome.Committed(tx, Map.of(id, BranchState.COMMITTED));
  }

  private Outcome twoPhase(TransactionId tx, Map<BranchId, TwoPhaseParticipant> branches, long start) {
    List<ParallelRound.Call<Vote>> prepares = new ArrayList<>();
    branches.forEach(
        (id, p) -> prepares.add(new ParallelRound.Call<>(id, () -> p.prepare(new TwoPhaseContext(tx, id, 1)))));
    List<ParallelRound.Answer<Vote>> answers =
        prepareRound.run(tx, prepares, prepareTimeout, start + prepareTimeout.toMillis(), "prepare");

    Map<BranchId, BranchState> settled = new LinkedHashMap<>();
    Map<BranchId, TwoPhaseParticipant> toFinish = new LinkedHashMap<>();
    String reason = "";
    for (ParallelRound.Answer<Vote> answer : answers) {
      Vote vote = answer.value();
      if (answer.succeeded() && vote == Vote.READ_ONLY) {
        settled.put(answer.id(), BranchState.READ_ONLY);
        events.publish(tx, answer.id(), EventType.BRANCH_READ_ONLY, "");
      } else if (answer.succeeded() && vote == Vote.ABORT) {
        settled.put(answer.id(), BranchState.ROLLED_BACK); // it rolled itself back
        reason = reason.isEmpty() ? "branch " + answer.id() + " voted abort" : reason;
      } else {
        toFinish.put(answer.id(), branches.get(answer.id()));
        if (!answer.succeeded() && reason.isEmpty()) {
          reason = "branch " + answer.id() + ": " + answer.failure();
        }
      }
    }
    List<LogRecord> votes = new ArrayList<>();
    settled.forEach((id, state) -> votes.add(new LogRecord.BranchUpdated(tx, id, state)));
    if (!votes.isEmpty()) {
      journal.append(votes, false);
    }
    if (!reason.isEmpty()) {
      return rollBack(tx, toFinish, settled, reason);
    }
    if (toFinish.isEmpty()) {
      journal.end(tx); // every voter was read-only: nothing to decide
      events.publish(tx, EventType.TRANSACTION_COMMITTED, "all read-only");
      return new Outcome.Committed(tx, settled);
    }
    journal.decide(tx, Decision.COMMIT);
    events.publish(tx, EventType.DECIDED_COMMIT, "");
    return phaseTwo.drive(tx, Decision.COMMIT, calls(tx, toFinish, Decision.COMMIT), settled, "");
  }

  private Outcome rollBack(
      TransactionId tx,
      Map<BranchId, TwoPhaseParticipant> branches,
      Map<BranchId, BranchState> settled,
      String reason) {
    // Presumed abort: the rollback decision need not be forced.
    journal.append(new LogRecord.Decided(tx, Decision.ROLLBACK), false);
    events.publish(tx, EventType.DECIDED_ROLLBACK, reason);
    return phaseTwo.drive(tx, Decision.ROLLBACK, calls(tx, branches, Decision.ROLLBACK), settled, reason);
  }

  private static List<PhaseTwo.Branch> calls(
      TransactionId tx, Map<BranchId, TwoPhaseParticipant> branches, Decision decision) {
    List<PhaseTwo.Branch> calls = new ArrayList<>();
    branches.forEach(
        (id, p) ->
            calls.add(
                new PhaseTwo.Branch(
                    id,
                    attempt -> {
                      TwoPhaseContext ctx = new TwoPhaseContext(tx, id, attempt);
                      if (decision == Decision.COMMIT) {
                        p.commit(ctx, false);
                      } else {
                        p.rollback(ctx);
                      }
                    })));
    return calls;
  }

  @Override
  public List<Outcome> recover() {
    return RecoveryPass.run(journal, events, inFlight, this::recoverOne);
  }

  private Outcome recoverOne(TransactionImage image) {
    TransactionId tx = image.transactionId();
    // Presumed abort: a missing decision already means roll back, so writing it need not force.
    RecoveryPass.Resolved resolved = RecoveryPass.resolve(journal, events, image, false);
    Decision decision = resolved.decision();
    String reason = resolved.reason();
    RecoveryPass.Sorted<TwoPhaseParticipant> sorted = RecoveryPass.sort(image, participants::get, events);
    Map<BranchId, TwoPhaseParticipant> toFinish = new LinkedHashMap<>();
    sorted.toFinish().forEach((branch, participant) -> toFinish.put(branch.branchId(), participant));
    return phaseTwo.drive(tx, decision, calls(tx, toFinish, decision), sorted.settled(), reason);
  }

  @Override
  public Optional<Decision> decisionFor(TransactionId transactionId) {
    return Optional.ofNullable(journal.decisionFor(transactionId));
  }

  @Override
  public String toString() {
    return "TwoPhaseCoordinator[participants=" + participants.keySet() + ", prepareTimeout="
        + prepareTimeout + "]";
  }
}
