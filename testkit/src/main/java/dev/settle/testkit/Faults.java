package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.TransactionId;
import dev.settle.saga.SagaContext;
import dev.settle.saga.StepAction;
import dev.settle.tcc.TccContext;
import dev.settle.tcc.TccParticipant;
import dev.settle.twopc.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseParticipant;
import dev.settle.twopc.Vote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The layer between a coordinator and its participants that injects faults, drawn from one
 * seeded random source. Wrap each participant once; {@link #stop()} ends the faults so that a run
 * can quiesce and be checked.
 */
public final class Faults {
  private record Key(TransactionId tx, BranchId branch) {}

  private final Random random;
  private final FaultPlan plan;
  private final Map<Key, List<Runnable>> held = new HashMap<>();
  private boolean active = true;
  private long failed;
  private long timedOut;
  private long duplicated;
  private long delayed;
  private long overtaken;
  private long restarts;

  /** Faults drawn from {@code random} according to {@code plan}. */
  public Faults(Random random, FaultPlan plan) {
    this.random = random;
    this.plan = plan;
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
    return new FaultStats(failed, timedOut, duplicated, delayed, overtaken, restarts);
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
        call(participant, ctx.transactionId(), ctx.branchId(), true, () -> {
          participant.tryReserve(ctx);
          return null;
        });
      }

      @Override
      public void confirm(TccContext ctx) {
        call(participant, ctx.transactionId(), ctx.branchId(), false, () -> {
          participant.confirm(ctx);
          return null;
        });
      }

      @Override
      public void cancel(TccContext ctx) {
        call(participant, ctx.transactionId(), ctx.branchId(), false, () -> {
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
        return call(participant, ctx.transactionId(), ctx.branchId(), true, () -> participant.prepare(ctx));
      }

      @Override
      public void commit(TwoPhaseContext ctx, boolean onePhase) {
        call(participant, ctx.transactionId(), ctx.branchId(), false, () -> {
          participant.commit(ctx, onePhase);
          return null;
        });
      }

      @Override
      public void rollback(TwoPhaseContext ctx) {
        call(participant, ctx.transactionId(), ctx.branchId(), false, () -> {
          participant.rollback(ctx);
          return null;
        });
      }

      @Override
      public void forget(TwoPhaseContext ctx) {
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
    return ctx -> call(target, ctx.transactionId(), ctx.step(), isAction, () -> {
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
    RESTART
  }

  /** Draws the call's fate; synchronized so that runs with several threads stay consistent. */
  private synchronized Fate draw(Object target, boolean phaseOne) {
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
    return Fate.DELIVER;
  }

  private <V> V call(
      Object target, TransactionId tx, BranchId branch, boolean phaseOne, Supplier<V> delivery) {
    Key key = new Key(tx, branch);
    switch (draw(target, phaseOne)) {
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
        hold(key, delivery::get);
        throw new ParticipantTimeoutException(tx, branch, "injected delay; the call is still on its way");
      }
      case RESTART -> ((Restartable) target).restart();
      case DELIVER -> {}
    }
    return deliverThenRelease(key, delivery);
  }

  private synchronized void hold(Key key, Runnable call) {
    held.computeIfAbsent(key, k -> new ArrayList<>()).add(call);
  }

  private synchronized List<Runnable> release(Key key) {
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
    deliverQuietly((Runnable) call::get);
  }
}
