package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.saga.spi.SagaContext;
import dev.settle.saga.spi.StepAction;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The layer between a coordinator and its participants that injects faults, drawn from one
 * seeded random source. Wrap each participant once; {@link #stop()} ends the faults so that a run
 * can quiesce and be checked.
 *
 * <p>Calls that {@linkplain FaultPlan#block() block} advance the world's virtual clock past their
 * timeout in the {@link CallBudget}; {@linkplain FaultPlan#heuristic() heuristic} answers are
 * given to 2PC commits and rollbacks of prepared branches, and repeated to every later commit or
 * rollback of the branch until the coordinator calls {@code forget}. The layer also watches for a
 * transaction that runs again: a phase-one call for a transaction {@linkplain #finished finished}
 * before is noted in {@link #reruns()}.
 */
public final class Faults {
  private record Key(TransactionId tx, BranchId branch) {}

  private final Random random;
  private final FaultPlan plan;
  private final @Nullable VirtualClock clock;
  private final CallBudget budget;
  private final Map<Key, List<Runnable>> held = new HashMap<>();
  private final Set<TransactionId> finished = new HashSet<>();
  private final Set<TransactionId> heuristicTransactions = new HashSet<>();
  /** Heuristic answers the resources remember until told to forget them, as XA resources do. */
  private final Map<Key, BranchState> heuristicMemory = new HashMap<>();
  private final List<String> reruns = new ArrayList<>();
  private @Nullable Runnable beforeNextCall;
  private boolean interruptNextCall;
  private boolean interruptDelivered;
  private boolean active = true;
  private long failed;
  private long timedOut;
  private long duplicated;
  private long delayed;
  private long overtaken;
  private long restarts;
  private long blocked;
  private long heuristics;

  /**
   * Faults drawn from {@code random} according to {@code plan}, with no clock to block on: a
   * blocking fault then acts as a timeout whose call was or was not applied.
   */
  public Faults(Random random, FaultPlan plan) {
    this(random, plan, null, CallBudget.defaults());
  }

  /** Faults drawn from {@code random} according to {@code plan}; blocked calls advance {@code clock}. */
  public Faults(Random random, FaultPlan plan, @Nullable VirtualClock clock, CallBudget budget) {
    this.random = random;
    this.plan = plan;
    this.clock = clock;
    this.budget = budget;
  }

  /** The transaction has ended: a later phase-one call for it is a re-run. */
  public synchronized void finished(TransactionId tx) {
    finished.add(tx);
  }

  /** Phase-one calls that arrived for a transaction after it had finished. */
  public synchronized List<String> reruns() {
    return List.copyOf(reruns);
  }

  /**
   * Transactions in which a participant answered heuristically: they may have applied one branch
   * and not another, so conservation holds only for the others.
   */
  public synchronized Set<TransactionId> heuristicTransactions() {
    return Set.copyOf(heuristicTransactions);
  }

  /** Sets the calling thread's interrupt flag at the start of the next participant call. */
  public synchronized void interruptNextCall() {
    interruptNextCall = true;
  }

  /** Drops an interrupt or action armed for the next call that never came. */
  synchronized void disarm() {
    interruptNextCall = false;
    interruptDelivered = false;
    beforeNextCall = null;
  }

  /** Whether an interrupt armed with {@link #interruptNextCall} was delivered; clears the answer. */
  synchronized boolean takeInterruptDelivered() {
    boolean delivered = interruptDelivered;
    interruptDelivered = false;
    return delivered;
  }

  /** Runs {@code action} at the start of the next participant call, while its transaction is in flight. */
  public synchronized void beforeNextCall(Runnable action) {
    beforeNextCall = action;
  }

  /** Injects no more faults; held calls stay held until {@link #flushDelayed()}. */
  public synchronized void stop() {
    active = false;
  }

  /** Whether faults are still being injected. */
  public synchronized boolean active() {
    return active;
  }

  /** Delivers every call still held back, as a network finally would. */
  public void flushDelayed() {
    List<List<Runnable>> all;
    synchronized (this) {
      all = new ArrayList<>(held.values());
      held.clear();
    }
    for (List<Runnable> calls : all) {
      calls.forEach(Faults::deliverQuietly);
    }
  }

  /** What has been injected so far. */
  public synchronized FaultStats stats() {
    return new FaultStats(failed, timedOut, duplicated, delayed, overtaken, restarts, blocked, heuristics);
  }

  /** A TCC participant behind this fault layer; Tries may be held back. */
  public TccParticipant tcc(TccParticipant participant) {
    return new TccParticipant() {
      @Override
      public String name() {
        return participant.name();
      }

      @Override
      public void tryReserve(TccContext ctx) {
        call(participant, ctx.transactionId(), ctx.branchId(), true, null, () -> {
          participant.tryReserve(ctx);
          return null;
        });
      }

      @Override
      public void confirm(TccContext ctx) {
        call(participant, ctx.transactionId(), ctx.branchId(), false, null, () -> {
          participant.confirm(ctx);
          return null;
        });
      }

      @Override
      public void cancel(TccContext ctx) {
        call(participant, ctx.transactionId(), ctx.branchId(), false, null, () -> {
          participant.cancel(ctx);
          return null;
        });
      }
    };
  }

  /** A 2PC participant behind this fault layer; prepares may be held back. */
  public TwoPhaseParticipant twoPhase(TwoPhaseParticipant participant) {
    return new TwoPhaseParticipant() {
      @Override
      public String name() {
        return participant.name();
      }

      @Override
      public void begin(TwoPhaseContext ctx) {
        participant.begin(ctx);
      }

      @Override
      public void end(TwoPhaseContext ctx, boolean success) {
        participant.end(ctx, success);
      }

      @Override
      public Vote prepare(TwoPhaseContext ctx) {
        return call(participant, ctx.transactionId(), ctx.branchId(), true, null, () -> participant.prepare(ctx));
      }

      @Override
      public void commit(TwoPhaseContext ctx, boolean onePhase) {
        Heuristic rolledBack = new Heuristic(BranchState.ROLLED_BACK, () -> participant.rollback(ctx), mix(participant, ctx));
        call(participant, ctx.transactionId(), ctx.branchId(), false, onePhase ? null : rolledBack, () -> {
          participant.commit(ctx, onePhase);
          return null;
        });
      }

      @Override
      public void rollback(TwoPhaseContext ctx) {
        Heuristic committed = new Heuristic(BranchState.COMMITTED, () -> participant.commit(ctx, false), mix(participant, ctx));
        call(participant, ctx.transactionId(), ctx.branchId(), false, committed, () -> {
          participant.rollback(ctx);
          return null;
        });
      }

      @Override
      public void forget(TwoPhaseContext ctx) {
        synchronized (Faults.this) {
          heuristicMemory.remove(new Key(ctx.transactionId(), ctx.branchId()));
        }
        participant.forget(ctx);
      }

      @Override
      public dev.settle.core.BranchState inquire(TwoPhaseContext ctx) {
        return participant.inquire(ctx);
      }

      @Override
      public boolean answersInquiry() {
        return participant.answersInquiry();
      }
    };
  }

  /**
   * A saga step's action or compensation behind this fault layer. Actions may be held back, so
   * that the compensation overtakes them.
   *
   * @param target the participant the step calls, restarted when a restart fault strikes
   * @param isAction true for the action, false for the compensation
   */
  public StepAction step(Object target, StepAction step, boolean isAction) {
    return ctx -> call(target, ctx.transactionId(), ctx.step(), isAction, null, () -> {
      step.run(ctx);
      return null;
    });
  }

  /** What one draw decided for one call. */
  private enum Fate {
    DELIVER,
    FAIL,
    TIMEOUT_DELIVERED,
    TIMEOUT_LOST,
    DUPLICATE,
    DELAY,
    RESTART,
    BLOCK_APPLIED,
    BLOCK_LOST,
    HEURISTIC,
    HAZARD
  }

  /**
   * What a heuristic answer applies instead of the call: the opposite of what was asked.
   *
   * @param state what the branch then applied
   * @param apply applies it; throws when the participant cannot (a rollback of a branch that was
   *     never prepared cannot be committed instead), and the call is then delivered as asked
   * @param mix applies part of the branch, for a participant that is {@link PartlyApplicable}
   */
  private record Heuristic(BranchState state, Runnable apply, @Nullable Runnable mix) {}

  private static @Nullable Runnable mix(TwoPhaseParticipant participant, TwoPhaseContext ctx) {
    return participant instanceof PartlyApplicable p ? () -> p.applyPart(ctx) : null;
  }

  /** Draws the call's fate; synchronized so that runs with several threads stay consistent. */
  private synchronized Fate draw(Object target, boolean phaseOne, boolean heuristicAllowed) {
    if (!active) {
      return Fate.DELIVER;
    }
    double draw = random.nextDouble();
    double edge = plan.fail();
    if (draw < edge) {
      failed++;
      return Fate.FAIL;
    }
    edge += plan.timeout();
    if (draw < edge) {
      timedOut++;
      return random.nextBoolean() ? Fate.TIMEOUT_DELIVERED : Fate.TIMEOUT_LOST;
    }
    edge += plan.duplicate();
    if (draw < edge) {
      duplicated++;
      return Fate.DUPLICATE;
    }
    edge += plan.delay();
    if (draw < edge && phaseOne) {
      delayed++;
      return Fate.DELAY;
    }
    edge += plan.restart();
    if (draw < edge && target instanceof Restartable) {
      restarts++;
      return Fate.RESTART;
    }
    if (draw < edge) {
      return Fate.DELIVER; // a fault that does not apply to this call (as before the newer faults)
    }
    edge += plan.block();
    if (draw < edge) {
      blocked++;
      return random.nextBoolean() ? Fate.BLOCK_APPLIED : Fate.BLOCK_LOST;
    }
    edge += plan.heuristic();
    if (draw < edge && heuristicAllowed) {
      return random.nextInt(3) == 0 ? Fate.HAZARD : Fate.HEURISTIC;
    }
    return Fate.DELIVER;
  }

  private <V> V call(
      Object target,
      TransactionId tx,
      BranchId branch,
      boolean phaseOne,
      @Nullable Heuristic heuristic,
      Supplier<V> delivery) {
    Key key = new Key(tx, branch);
    beforeCall(tx, branch, phaseOne);
    if (heuristic != null) {
      BranchState remembered;
      synchronized (this) {
        remembered = heuristicMemory.get(key);
      }
      if (remembered != null) { // asked again before forget: the same heuristic answer
        throw new HeuristicBranchException(
            tx, branch, remembered, "injected heuristic answer, again: the resource applied " + remembered, null);
      }
    }
    Fate fate = draw(target, phaseOne, heuristic != null);
    switch (fate) {
      case FAIL ->
          throw new ParticipantException(tx, branch, "injected failure: the call never arrived", null);
      case TIMEOUT_DELIVERED -> {
        deliverQuietly(delivery::get);
        throw new ParticipantTimeoutException(tx, branch, "injected timeout; outcome unknown");
      }
      case TIMEOUT_LOST ->
          throw new ParticipantTimeoutException(tx, branch, "injected timeout; outcome unknown");
      case DUPLICATE -> {
        V first = deliverThenRelease(key, delivery);
        deliverQuietly(delivery::get);
        return first;
      }
      case DELAY -> {
        hold(key, asRunnable(delivery));
        throw new ParticipantTimeoutException(tx, branch, "injected delay; the call is still on its way");
      }
      case RESTART -> ((Restartable) target).restart();
      case BLOCK_APPLIED -> {
        V late = deliverThenRelease(key, delivery);
        block(phaseOne);
        if (clock == null) {
          throw new ParticipantTimeoutException(tx, branch, "injected block; outcome unknown");
        }
        return late; // answers after its timeout: the coordinator must not trust it
      }
      case BLOCK_LOST -> {
        block(phaseOne);
        throw new ParticipantTimeoutException(tx, branch, "injected block past the timeout; outcome unknown");
      }
      case HEURISTIC, HAZARD -> {
        // Throws the heuristic answer, or returns having applied nothing: then delivered below.
        answerHeuristically(tx, branch, heuristic, delivery, fate == Fate.HAZARD);
      }
      case DELIVER -> {}
    }
    return deliverThenRelease(key, delivery);
  }

  /** Runs what was armed for the next call; notes a phase-one call of a finished transaction. */
  private void beforeCall(TransactionId tx, BranchId branch, boolean phaseOne) {
    Runnable action;
    synchronized (this) {
      if (phaseOne && finished.contains(tx)) {
        reruns.add(tx + "/" + branch);
      }
      if (interruptNextCall) {
        interruptNextCall = false;
        interruptDelivered = true;
        Thread.currentThread().interrupt();
      }
      action = beforeNextCall;
      beforeNextCall = null;
    }
    if (action != null) {
      action.run();
    }
  }

  /** Holds the call past its timeout: virtual time runs on. */
  private void block(boolean phaseOne) {
    if (clock == null) {
      return;
    }
    Duration timeout = phaseOne ? budget.phaseOne() : budget.call();
    long over;
    synchronized (this) {
      over = 1 + random.nextInt((int) Math.max(1, budget.overshoot().toMillis()));
    }
    clock.advance(timeout.plusMillis(over));
  }

  /**
   * Applies the opposite of the call (or, as a hazard, either side) and throws the heuristic
   * answer; returns, having applied nothing,, when the participant cannot do the opposite.
   */
  private <V> void answerHeuristically(
      TransactionId tx,
      BranchId branch,
      @Nullable Heuristic heuristic,
      Supplier<V> delivery,
      boolean hazard) {
    if (heuristic == null) {
      return;
    }
    Runnable mix = heuristic.mix();
    boolean asAsked;
    boolean mixed;
    synchronized (this) {
      asAsked = hazard && random.nextBoolean();
      mixed = !hazard && mix != null && random.nextInt(3) == 0;
    }
    BranchState applied;
    if (mixed && mix != null) {
      try {
        mix.run();
      } catch (RuntimeException cannot) {
        return;
      }
      applied = BranchState.HEURISTIC_MIXED;
    } else if (asAsked) {
      Object unused = delivery.get();
      applied = BranchState.HEURISTIC_HAZARD;
    } else {
      try {
        heuristic.apply().run();
      } catch (RuntimeException cannot) {
        return;
      }
      applied = hazard ? BranchState.HEURISTIC_HAZARD : heuristic.state();
    }
    synchronized (this) {
      heuristics++;
      heuristicTransactions.add(tx);
      heuristicMemory.put(new Key(tx, branch), applied);
    }
    throw new HeuristicBranchException(
        tx, branch, applied, "injected heuristic answer: the resource applied " + applied, null);
  }

  private synchronized void hold(Key key, Runnable call) {
    held.computeIfAbsent(key, k -> new ArrayList<>()).add(call);
  }

  private synchronized @Nullable List<Runnable> release(Key key) {
    List<Runnable> late = held.remove(key);
    if (late != null) {
      overtaken += late.size();
    }
    return late;
  }

  /** Delivers a call, then any call of the same branch that it overtook. */
  private <V> V deliverThenRelease(Key key, Supplier<V> delivery) {
    try {
      return delivery.get();
    } finally {
      List<Runnable> late = release(key);
      if (late != null) {
        late.forEach(Faults::deliverQuietly);
      }
    }
  }

  private static void deliverQuietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException ignored) {
      // Nobody is waiting for this answer any more.
    }
  }

  private static <V> void deliverQuietly(Supplier<V> call) {
    deliverQuietly(asRunnable(call));
  }

  /** The call as a Runnable whose answer nobody waits for. */
  private static Runnable asRunnable(Supplier<?> call) {
    return () -> {
      Object unused = call.get();
    };
  }
}
