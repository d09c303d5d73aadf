package dev.settle.twopc.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.config.CoordinatorSettings;
import dev.settle.core.Decision;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.Outcome;
import dev.settle.core.OwnershipLostException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.internal.CallGuard;
import dev.settle.core.internal.EventDispatcher;
import dev.settle.core.internal.Journal;
import dev.settle.core.internal.MdcScope;
import dev.settle.core.internal.ParallelRound;
import dev.settle.core.internal.PhaseTwo;
import dev.settle.core.internal.Reason;
import dev.settle.core.internal.RecoveryLoop;
import dev.settle.core.internal.RecoveryPass;
import dev.settle.core.log.BranchImage;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.TransactionImage;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseCoordinator;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.TwoPhaseTransaction;
import dev.settle.twopc.spi.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The 2PC coordinator with presumed abort: nothing before the commit decision is forced, the
 * commit decision is the one forced write, and a transaction with no logged decision is rolled
 * back by recovery.
 */
public final class TwoPhaseCoordinatorImpl implements TwoPhaseCoordinator {

  private final CoordinatorSettings settings;
  private final Map<String, TwoPhaseParticipant> participants;
  private final Duration prepareTimeout;
  private final @Nullable RecoveryLoop recoveryLoop;
  private final Journal journal;
  private final EventDispatcher events;
  private final PhaseTwo phaseTwo;
  private final ParallelRound prepareRound;
  private final CallGuard guard;
  /** Node names of the transactions being recovered that another node began. */
  private final Map<TransactionId, String> takenOver = new ConcurrentHashMap<>();
  private final Set<TransactionId> inFlight = ConcurrentHashMap.newKeySet();

  public TwoPhaseCoordinatorImpl(
      CoordinatorSettings settings,
      Map<String, TwoPhaseParticipant> participants,
      Duration prepareTimeout) {
    this.settings = settings;
    this.participants = new ConcurrentHashMap<>(participants);
    this.prepareTimeout = prepareTimeout;
    this.events = new EventDispatcher(settings.clock(), settings.listeners(), PROTOCOL);
    this.journal = new Journal(settings.log(), PROTOCOL, events, settings.nodeName());
    this.phaseTwo =
        PhaseTwo.of(journal, events, settings);
    this.prepareRound = new ParallelRound(settings.executor(), settings.clock(), events);
    this.guard = CallGuard.of(settings);
    this.recoveryLoop = RecoveryLoop.startIfAsked(this, settings, PROTOCOL); // last: it may call recover()
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
      opening.add(new LogRecord.Begin(tx, PROTOCOL, start, start + prepareTimeout.toMillis(), settings.nodeName()));
      branches.forEach(
          (id, p) -> {
            participants.putIfAbsent(p.name(), p);
            opening.add(new LogRecord.BranchRegistered(tx, id, p.name(), new byte[0]));
          });
      // Presumed abort: losing these in a crash is safe, so they are not forced.
      journal.append(opening, false);
      events.publish(tx, EventType.TRANSACTION_BEGUN, events.listened() ? branches.size() + " participants" : "");
      branches.forEach((id, p) -> events.publish(tx, id, EventType.BRANCH_REGISTERED, p.name()));

      Reason workFailure = runWork(tx, transaction);
      if (!workFailure.isEmpty()) {
        return rollBack(tx, branches, Map.of(), workFailure);
      }
      if (branches.size() == 1 && branches.values().iterator().next().answersInquiry()) {
        return onePhase(tx, branches.keySet().iterator().next(), branches.values().iterator().next());
      }
      return twoPhase(tx, branches, start);
    } catch (OwnershipLostException lost) {
      finishAsLogged(tx, transaction.participants());
      throw lost;
    } finally {
      inFlight.remove(tx);
    }
  }

  /**
   * After another node took this transaction over (a shared log refused a write). A branch this
   * node prepared after the new owner had already rolled the branches back would stay prepared,
   * holding its locks, for good. So once a decision is logged, this node applies it to the
   * branches it opened: the decision the new owner sends, under the same names, so a repeat is a
   * no-op. With no decision logged yet, the new owner's phase two, which follows its decision, still
   * finds every branch this node prepared.
   */
  private void finishAsLogged(TransactionId tx, Map<BranchId, TwoPhaseParticipant> branches) {
    Decision logged;
    try {
      logged = journal.decisionFor(tx);
    } catch (RuntimeException e) {
      events.log().warn("transaction {}: taken over by another node; cannot read its decision to finish this node's branches", tx, e);
      return;
    }
    if (logged == null) {
      return;
    }
    branches.forEach(
        (id, p) -> {
          try {
            guard.run(tx, id, "phase two after a takeover", () -> {
              if (logged == Decision.COMMIT) {
                p.commit(context(tx, id, 1), false);
              } else {
                p.rollback(context(tx, id, 1));
              }
            });
          } catch (RuntimeException e) {
            events.log().debug("transaction {} branch {}: the new owner's phase two finishes it", tx, id, e);
          }
        });
  }

  private Reason runWork(TransactionId tx, TwoPhaseTransaction transaction) {
    Map<BranchId, TwoPhaseParticipant> branches = transaction.participants();
    boolean success = false;
    Reason failure = Reason.of("");
    Map<BranchId, TwoPhaseParticipant> begun = new LinkedHashMap<>();
    try {
      for (Map.Entry<BranchId, TwoPhaseParticipant> e : branches.entrySet()) {
        e.getValue().begin(context(tx, e.getKey(), 1));
        begun.put(e.getKey(), e.getValue());
      }
      transaction.work().run(tx);
      success = true;
    } catch (Exception e) {
      failure = new Reason("work failed: " + e, null, e);
    }
    for (Map.Entry<BranchId, TwoPhaseParticipant> e : begun.entrySet()) {
      BranchId id = e.getKey();
      try {
        e.getValue().end(context(tx, id, 1), success);
      } catch (RuntimeException endFailure) {
        if (failure.isEmpty()) {
          failure = new Reason("branch " + id + " could not end its work: " + endFailure, id, endFailure);
        }
      }
    }
    return failure;
  }

  private TwoPhaseContext context(TransactionId tx, BranchId id, int attempt) {
    return new TwoPhaseContext(tx, id, attempt, takenOver.getOrDefault(tx, settings.nodeName()));
  }

  private Outcome onePhase(TransactionId tx, BranchId id, TwoPhaseParticipant participant) {
    // One participant decides alone: no prepare, no decision record. The branch's start is
    // forced before the call so that after a crash recovery knows the commit may have been sent
    // and asks the participant, instead of presuming abort and reporting a rollback that may be
    // false.
    journal.append(new LogRecord.BranchUpdated(tx, id, BranchState.STARTED), true);
    events.publish(tx, id, EventType.BRANCH_PREPARING, "one-phase commit");
    try {
      guard.run(tx, id, "one-phase commit", () -> participant.commit(context(tx, id, 1), true));
    } catch (HeuristicBranchException e) {
      return onePhaseHeuristic(tx, id, participant, e);
    } catch (ParticipantTimeoutException e) {
      return onePhaseUnknown(tx, id, participant, e);
    } catch (RuntimeException e) {
      // The SPI's contract: any other failure of a one-phase commit means it did not commit.
      return rollBack(tx, Map.of(id, participant), Map.of(), new Reason("one-phase commit failed: " + e, id, e));
    }
    return onePhaseEnded(tx, id, BranchState.COMMITTED, "one-phase");
  }

  /** The resource answered a one-phase commit with a heuristic: log it, then let it forget. */
  private Outcome onePhaseHeuristic(
      TransactionId tx, BranchId id, TwoPhaseParticipant participant, HeuristicBranchException e) {
    journal.append(new LogRecord.BranchUpdated(tx, id, e.applied()), true);
    events.publish(tx, id, EventType.BRANCH_HEURISTIC, "one-phase commit applied " + e.applied() + ": " + e.getMessage());
    PhaseTwo.forgetHeuristic(tx, id, () -> participant.forget(context(tx, id, 1)), events.log());
    return onePhaseEnded(tx, id, e.applied(), "one-phase commit answered with a heuristic: " + e.getMessage());
  }

  /**
   * A one-phase commit whose outcome is unknown: ask the participant; report what it says, or in
   * doubt (no End record, so every recovery pass asks again) when it cannot tell.
   */
  private Outcome onePhaseUnknown(
      TransactionId tx, BranchId id, TwoPhaseParticipant participant, RuntimeException failure) {
    BranchState applied;
    try {
      BranchState[] answer = {BranchState.IN_DOUBT};
      guard.run(tx, id, "inquiry", () -> answer[0] = participant.inquire(context(tx, id, 1)));
      applied = answer[0];
    } catch (RuntimeException inquiryFailure) {
      failure.addSuppressed(inquiryFailure);
      applied = BranchState.IN_DOUBT;
    }
    if (applied == BranchState.COMMITTED || applied == BranchState.ROLLED_BACK) {
      return onePhaseEnded(tx, id, applied, "one-phase commit's outcome was unknown; the participant says " + applied);
    }
    journal.append(new LogRecord.BranchUpdated(tx, id, BranchState.IN_DOUBT), false);
    events.publish(tx, id, EventType.BRANCH_IN_DOUBT, "one-phase commit's outcome is unknown: " + failure);
    Outcome.InDoubt outcome = new Outcome.InDoubt(tx, Map.of(id, BranchState.IN_DOUBT), Decision.COMMIT, failure);
    events.publish(tx, EventType.TRANSACTION_HEURISTIC, "in doubt: one-phase commit's outcome is unknown", PhaseTwo.kindOf(outcome));
    events.log().warn("transaction {} branch {}: one-phase commit's outcome is unknown and the participant cannot tell; in doubt", tx, id, failure);
    return outcome;
  }

  /** Ends a one-phase transaction with what its only branch applied. */
  private Outcome onePhaseEnded(TransactionId tx, BranchId id, BranchState applied, String detail) {
    journal.append(List.of(new LogRecord.BranchUpdated(tx, id, applied), new LogRecord.End(tx)), false);
    Map<BranchId, BranchState> states = Map.of(id, applied);
    if (applied == BranchState.COMMITTED) {
      events.publish(tx, id, EventType.BRANCH_COMMITTED, detail);
      events.publish(tx, EventType.TRANSACTION_COMMITTED, detail);
      return new Outcome.Committed(tx, states);
    }
    if (applied == BranchState.ROLLED_BACK) {
      // The participant was the one to decide: its rollback is a clean end, not a heuristic.
      events.publish(tx, id, EventType.BRANCH_ROLLED_BACK, detail);
      Outcome.RolledBack outcome = new Outcome.RolledBack(tx, states, detail, id, null); // the branch decided alone
      events.publish(tx, EventType.TRANSACTION_ROLLED_BACK, detail, PhaseTwo.kindOf(outcome));
      return outcome;
    }
    return PhaseTwo.ended(tx, Decision.COMMIT, states, Reason.of(detail), events);
  }

  private Outcome twoPhase(TransactionId tx, Map<BranchId, TwoPhaseParticipant> branches, long start) {
    List<ParallelRound.Call<Vote>> prepares = new ArrayList<>();
    branches.forEach(
        (id, p) -> prepares.add(new ParallelRound.Call<>(id, () -> p.prepare(context(tx, id, 1)))));
    List<ParallelRound.Answer<Vote>> answers =
        prepareRound.run(tx, prepares, prepareTimeout, start + prepareTimeout.toMillis(), "prepare");

    Map<BranchId, BranchState> settled = new LinkedHashMap<>();
    Map<BranchId, TwoPhaseParticipant> toFinish = new LinkedHashMap<>();
    Reason reason = Reason.of("");
    for (ParallelRound.Answer<Vote> answer : answers) {
      Vote vote = answer.value();
      if (answer.succeeded() && vote == Vote.READ_ONLY) {
        settled.put(answer.id(), BranchState.READ_ONLY);
        events.publish(tx, answer.id(), EventType.BRANCH_READ_ONLY, "");
      } else if (answer.succeeded() && vote == Vote.ABORT) {
        settled.put(answer.id(), BranchState.ROLLED_BACK); // it rolled itself back
        reason = reason.isEmpty() ? new Reason("branch " + answer.id() + " voted abort", answer.id(), null) : reason;
      } else {
        toFinish.put(answer.id(), branches.get(answer.id()));
        if (!answer.succeeded() && reason.isEmpty()) {
          reason = new Reason("branch " + answer.id() + ": " + answer.failure(), answer.id(), answer.error());
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
    return phaseTwo.drive(tx, Decision.COMMIT, calls(tx, toFinish, Decision.COMMIT), settled, Reason.of(""));
  }

  private Outcome rollBack(
      TransactionId tx,
      Map<BranchId, TwoPhaseParticipant> branches,
      Map<BranchId, BranchState> settled,
      Reason reason) {
    // Presumed abort: the rollback decision need not be forced.
    journal.append(new LogRecord.Decided(tx, Decision.ROLLBACK, reason.text(), reason.branch()), false);
    events.publish(tx, EventType.DECIDED_ROLLBACK, reason.text());
    return phaseTwo.drive(tx, Decision.ROLLBACK, calls(tx, branches, Decision.ROLLBACK), settled, reason);
  }

  private List<PhaseTwo.Branch> calls(
      TransactionId tx, Map<BranchId, TwoPhaseParticipant> branches, Decision decision) {
    List<PhaseTwo.Branch> calls = new ArrayList<>();
    branches.forEach(
        (id, p) ->
            calls.add(
                new PhaseTwo.Branch(
                    id,
                    attempt -> {
                      TwoPhaseContext ctx = context(tx, id, attempt);
                      if (decision == Decision.COMMIT) {
                        p.commit(ctx, false);
                      } else {
                        p.rollback(ctx);
                      }
                    },
                    () -> p.forget(context(tx, id, 1)))));
    return calls;
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

  // RecoveryPass marks the transaction in flight while this runs, so a recovery scan leaves it
  // alone (isRunning).
  private Outcome recoverOne(TransactionImage image) {
    TransactionId tx = image.transactionId();
    if (image.node().isEmpty() || image.node().equals(settings.nodeName())) {
      return recoverBranches(image);
    }
    // Taken over from another node (a shared log): the participants know its branches under the
    // name of the node that began it (an XA branch's Xid carries it), so every call says that name.
    takenOver.put(tx, image.node());
    try {
      return recoverBranches(image);
    } finally {
      takenOver.remove(tx);
    }
  }

  private Outcome recoverBranches(TransactionImage image) {
    TransactionId tx = image.transactionId();
    if (image.decision() == null && image.branches().size() == 1) {
      BranchImage only = image.branches().values().iterator().next();
      if (only.state() == BranchState.STARTED || only.state() == BranchState.IN_DOUBT) {
        return recoverOnePhase(image, only);
      }
    }
    // Presumed abort: a missing decision already means roll back, so writing it need not force.
    RecoveryPass.Resolved resolved = RecoveryPass.resolve(journal, events, image, false, settings.nodeName());
    Decision decision = resolved.decision();
    Reason reason = resolved.reason();
    RecoveryPass.Sorted<TwoPhaseParticipant> sorted = RecoveryPass.sort(image, participants::get, events);
    Map<BranchId, TwoPhaseParticipant> toFinish = new LinkedHashMap<>();
    sorted.toFinish().forEach((branch, participant) -> toFinish.put(branch.branchId(), participant));
    return phaseTwo.drive(tx, decision, calls(tx, toFinish, decision), sorted.settled(), reason);
  }

  /** A one-phase commit that may have been sent before the crash: ask, never presume. */
  private Outcome recoverOnePhase(TransactionImage image, BranchImage only) {
    TransactionId tx = image.transactionId();
    events.publish(
        tx,
        EventType.TRANSACTION_RECOVERING,
        RecoveryPass.origin(image, settings.nodeName()) + "; one-phase commit with an unknown outcome");
    TwoPhaseParticipant participant = participants.get(only.participant());
    if (participant == null) {
      String why = "no participant named \"" + only.participant() + "\" is registered with this coordinator";
      events.publish(tx, only.branchId(), EventType.BRANCH_IN_DOUBT, why);
      return new Outcome.InDoubt(
          tx, Map.of(only.branchId(), BranchState.IN_DOUBT), Decision.COMMIT, new IllegalStateException(why));
    }
    return onePhaseUnknown(
        tx,
        only.branchId(),
        participant,
        new ParticipantTimeoutException(tx, only.branchId(), "the coordinator crashed during the one-phase commit"));
  }

  @Override
  public String nodeName() {
    return settings.nodeName();
  }

  @Override
  public boolean isRunning(TransactionId transactionId) {
    return inFlight.contains(transactionId);
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
