package dev.settle.saga.internal;

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
import dev.settle.core.internal.PhaseTwo;
import dev.settle.core.internal.Reason;
import dev.settle.core.internal.RecoveryLoop;
import dev.settle.core.internal.RecoveryPass;
import dev.settle.core.internal.Retrier;
import dev.settle.core.log.BranchImage;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.TransactionImage;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.SagaRequest;
import dev.settle.saga.SagaStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The saga orchestrator: starts sagas, and finds the ones a crash left and resumes them. */
public final class SagaCoordinatorImpl implements SagaCoordinator {
  private final CoordinatorSettings settings;
  private final Map<String, SagaDefinition> definitions = new ConcurrentHashMap<>();
  private final @Nullable RecoveryLoop recoveryLoop;
  private final Journal journal;
  private final EventDispatcher events;
  private final PhaseTwo compensations;
  private final Set<TransactionId> inFlight = ConcurrentHashMap.newKeySet();

  public SagaCoordinatorImpl(CoordinatorSettings settings, Map<String, SagaDefinition> definitions) {
    this.settings = settings;
    this.definitions.putAll(definitions);
    this.events = new EventDispatcher(settings.clock(), settings.listeners(), PROTOCOL);
    this.journal = new Journal(settings.log(), PROTOCOL, events, settings.nodeName());
    this.compensations =
        PhaseTwo.of(journal, events, settings);
    this.recoveryLoop = RecoveryLoop.startIfAsked(this, settings, PROTOCOL); // last: it may call recover()
  }

  @Override
  public Outcome execute(SagaRequest request) {
    SagaDefinition definition = request.definition();
    // Recovery resumes a saga by the name in its log, so one name must mean one list of steps.
    SagaDefinition registered = definitions.putIfAbsent(definition.name(), definition);
    if (registered != null && !registered.isCompatibleWith(definition)) {
      throw new IllegalArgumentException(
          "saga \"" + definition.name() + "\" is registered with steps " + registered.stepNames()
              + (registered.parallelCompensation() ? " (parallel compensation)" : "")
              + " but this request's definition has steps " + definition.stepNames()
              + (definition.parallelCompensation() ? " (parallel compensation)" : "")
              + "; give a different saga a different name");
    }
    TransactionId tx = settings.idGenerator().next();
    journal.reserve(tx); // a reused id is refused here, before anything runs or is logged
    inFlight.add(tx);
    try (MdcScope mdc = MdcScope.open(tx)) {
      long now = settings.clock().millis();
      List<LogRecord> opening = new ArrayList<>();
      opening.add(new LogRecord.Begin(tx, PROTOCOL, now, Long.MAX_VALUE, settings.nodeName()));
      List<SagaStep> steps = definition.steps();
      for (int i = 0; i < steps.size(); i++) {
        // The first step's payload carries the saga's input, so recovery can rebuild it.
        byte[] payload = i == 0 ? ContextCodec.encode(request.input()) : new byte[0];
        opening.add(
            new LogRecord.BranchRegistered(tx, steps.get(i).name(), definition.name(), payload));
      }
      // The first step's start goes out with the opening records, in one forced append.
      opening.add(new LogRecord.BranchUpdated(tx, steps.get(0).name(), BranchState.STARTED));
      journal.append(opening, true);
      events.publish(tx, EventType.TRANSACTION_BEGUN, events.listened() ? "saga " + definition.name() : "");
      SagaRun run =
          new SagaRun(tx, definition, new LinkedHashMap<>(request.input()), journal, events, settings);
      return finishForward(run, run.forward(0, true, false));
    } finally {
      inFlight.remove(tx);
    }
  }

  private Outcome finishForward(SagaRun run, SagaRun.Result result) {
    if (result.completed()) {
      journal.append(
          List.of(new LogRecord.Decided(run.tx(), Decision.COMMIT), new LogRecord.End(run.tx())),
          false);
      events.publish(run.tx(), EventType.DECIDED_COMMIT, "every step applied");
      events.publish(run.tx(), EventType.TRANSACTION_COMMITTED, "");
      Map<BranchId, BranchState> branches = new LinkedHashMap<>();
      run.definition().steps().forEach(s -> branches.put(s.name(), BranchState.COMMITTED));
      return new Outcome.Committed(run.tx(), branches);
    }
    journal.decide(run.tx(), Decision.ROLLBACK, result.reason());
    events.publish(run.tx(), EventType.DECIDED_ROLLBACK, result.reason().text());
    TransactionImage image = journal.live(run.tx());
    if (image == null) {
      throw new IllegalStateException("saga " + run.tx() + " vanished from the journal");
    }
    return compensate(run.tx(), run.definition(), run.values(), image, result.reason());
  }

  /** Compensates, in reverse order (or at once), every step that may have taken effect. */
  private Outcome compensate(
      TransactionId tx,
      SagaDefinition definition,
      Map<String, byte[]> values,
      TransactionImage image,
      Reason reason) {
    Map<BranchId, BranchState> settled = new LinkedHashMap<>();
    List<PhaseTwo.Branch> undo = new ArrayList<>();
    List<SagaStep> steps = definition.steps();
    for (int i = steps.size() - 1; i >= 0; i--) {
      SagaStep step = steps.get(i);
      BranchImage logged = image.branches().get(step.name());
      // A step missing from the log cannot have run; one whose state is unknown is undone.
      BranchState state = logged == null ? BranchState.REGISTERED : logged.state();
      if (needsCompensation(state)) {
        undo.add(
            new PhaseTwo.Branch(
                step.name(),
                attempt ->
                    step.compensation()
                        .run(new SagaContextImpl(tx, step.name(), attempt, values, true))));
      } else {
        // Never started, failed cleanly, or already compensated: nothing to undo.
        settled.put(step.name(), state == BranchState.ROLLED_BACK ? state : BranchState.ROLLED_BACK);
      }
    }
    return definition.parallelCompensation()
        ? compensations.driveInParallel(tx, Decision.ROLLBACK, undo, settled, reason, settings.executor())
        : compensations.driveInOrder(tx, Decision.ROLLBACK, undo, settled, reason);
  }

  private static boolean needsCompensation(BranchState state) {
    // Applied, or started with an unknown outcome, or a compensation that did not finish.
    return state == BranchState.PREPARED || state == BranchState.STARTED || state == BranchState.IN_DOUBT;
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
    List<BranchImage> branches = new ArrayList<>(image.branches().values());
    String name = branches.isEmpty() ? "?" : branches.get(0).participant();
    SagaDefinition definition = definitions.get(name);
    events.publish(
        tx,
        EventType.TRANSACTION_RECOVERING,
        RecoveryPass.origin(image, settings.nodeName()) + "; saga " + name + ", decision " + image.decision());
    if (image.decision() == null
        && branches.stream().allMatch(b -> b.state() == BranchState.REGISTERED)) {
      // The opening append (Begin, every step, the first step's start) ends with that start;
      // without it the append was torn by the crash, and no action can have run.
      String reason = "the saga's opening log append was cut short by a crash; no step ran";
      journal.append(new LogRecord.Decided(tx, Decision.ROLLBACK, reason, null), false);
      events.publish(tx, EventType.DECIDED_ROLLBACK, reason);
      Map<BranchId, BranchState> nothingRan = new LinkedHashMap<>();
      branches.forEach(b -> nothingRan.put(b.branchId(), BranchState.ROLLED_BACK));
      return compensations.drive(tx, Decision.ROLLBACK, List.of(), nothingRan, Reason.of(reason));
    }
    if (definition == null || definition.steps().size() != branches.size()) {
      String why = definition == null
          ? "no saga definition named \"" + name + "\" is registered with this coordinator"
          : "the registered definition of \"" + name + "\" no longer matches the logged steps";
      events.publish(tx, EventType.TRANSACTION_HEURISTIC, why);
      Map<BranchId, BranchState> states = new LinkedHashMap<>();
      branches.forEach(b -> states.put(b.branchId(), BranchState.IN_DOUBT));
      return new Outcome.InDoubt(
          tx,
          states,
          image.decision() == null ? Decision.ROLLBACK : image.decision(),
          new IllegalStateException(why));
    }
    Map<String, byte[]> values = ContextCodec.decode(branches.get(0).payload());
    for (BranchImage branch : branches) {
      values.putAll(ContextCodec.decode(branch.data()));
    }
    if (image.decision() == Decision.ROLLBACK) {
      return compensate(tx, definition, values, image, Reason.of("recovered after a crash while compensating"));
    }
    if (image.decision() == Decision.COMMIT) {
      journal.end(tx);
      events.publish(tx, EventType.TRANSACTION_COMMITTED, "recovered");
      Map<BranchId, BranchState> states = new LinkedHashMap<>();
      branches.forEach(b -> states.put(b.branchId(), BranchState.COMMITTED));
      return new Outcome.Committed(tx, states);
    }
    // Not turned back: resume forward from the first step not known to be applied.
    SagaRun run = new SagaRun(tx, definition, values, journal, events, settings);
    for (int i = 0; i < branches.size(); i++) {
      BranchState state = branches.get(i).state();
      if (state == BranchState.FAILED) {
        BranchId failed = branches.get(i).branchId();
        return finishForward(run, new SagaRun.Result(false, new Reason("step " + failed + " had failed before the crash", failed, null)));
      }
      if (state != BranchState.PREPARED) {
        // A started step's start is already in the log: logging it again before each retry
        // would spend an append on nothing, and a coordinator dying at every second append
        // would then never get past this step.
        boolean started = state == BranchState.STARTED;
        return finishForward(run, run.forward(i, started, started));
      }
    }
    return finishForward(run, new SagaRun.Result(true, Reason.of("")));
  }

  @Override
  public Optional<dev.settle.core.Decision> decisionFor(TransactionId transactionId) {
    return Optional.ofNullable(journal.decisionFor(transactionId));
  }

  @Override
  public String toString() {
    return "SagaCoordinator[definitions=" + definitions.keySet() + "]";
  }
}
