package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.Outcome;
import dev.settle.core.SettleException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * One simulated run's moving parts: the live coordinator, what it reported, and the hazards around
 * it (interrupts, a second coordinator, restarts on a damaged log). {@link Simulation} drives it.
 */
final class SimulatedRun<T> {
  final Scenario<T> s;
  final World world;
  final CrashingTransactionLog log;
  final DecisionWatch decisions;
  final @Nullable DamagedFileLog fileLog;
  final Random hazards;
  final Map<TransactionId, Outcome> last = new HashMap<>();
  final List<Outcome> reported = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  @Nullable Coordinator<T> coordinator;
  long recoveries;
  long interrupts;
  long refusals;
  long rivals;
  long rivalsRefused;

  SimulatedRun(
      Scenario<T> s,
      World world,
      CrashingTransactionLog log,
      DecisionWatch decisions,
      @Nullable DamagedFileLog fileLog,
      Random hazards) {
    this.s = s;
    this.world = world;
    this.log = log;
    this.decisions = decisions;
    this.fileLog = fileLog;
    this.hazards = hazards;
  }

  void execute(T transaction) {
    FaultPlan plan = world.plan();
    Faults faults = world.faults();
    boolean interruptedBefore = false;
    if (plan.interrupt() > 0 && hazards.nextDouble() < plan.interrupt()) {
      interrupts++;
      interruptedBefore = hazards.nextBoolean();
      if (interruptedBefore) {
        Thread.currentThread().interrupt();
      } else {
        faults.interruptNextCall(); // during execute, if it calls a participant at all
      }
    }
    if (plan.rivalRecovery() > 0 && hazards.nextDouble() < plan.rivalRecovery()) {
      // While this transaction is on its way: at a participant call, or just before one of its
      // log appends (its decision, perhaps) is stored.
      if (hazards.nextBoolean()) {
        faults.beforeNextCall(this::rivalRecovers);
      } else {
        log.beforeAppend(1 + hazards.nextInt(4), this::rivalRecovers);
      }
    }
    world.takeReusedId();
    long start = world.clock().millis();
    try {
      Coordinator<T> live = coordinator;
      if (live == null) {
        throw new IllegalStateException("no coordinator: restart() first");
      }
      Outcome outcome = live.execute(transaction);
      report(outcome, true);
      Invariants.boundedCall(
          outcome.transactionId(),
          Duration.ofMillis(world.clock().millis() - start),
          world.budget().bound(outcome.branches().size()));
      checkInterruptKept(interruptedBefore || faults.takeInterruptDelivered());
    } catch (SimulatedCrash crash) {
      Thread.interrupted();
      faults.disarm();
      log.disarmHook();
      coordinator = restart(true);
    } catch (InjectedListenerError e) {
      throw new AssertionError("listener isolation: a listener's error escaped execute", e);
    } catch (SettleException e) {
      boolean reused = world.takeReusedId();
      if (!(reused || Thread.currentThread().isInterrupted())) {
        throw e;
      }
      checkInterruptKept(interruptedBefore || faults.takeInterruptDelivered());
      refusals++; // a clear refusal: of a reused id, or of an interrupted caller
    } finally {
      Thread.interrupted();
      faults.disarm();
      log.disarmHook();
    }
  }

  private void checkInterruptKept(boolean interrupted) {
    if (interrupted && !Thread.currentThread().isInterrupted()) {
      throw new AssertionError("interrupts: execute cleared its interrupted caller's interrupt flag");
    }
  }

  /** A second coordinator on the same log recovers while a transaction is in flight. */
  private void rivalRecovers() {
    rivals++;
    try {
      Coordinator<T> rival = s.coordinator(world, log);
      for (Outcome outcome : rival.recover()) {
        report(outcome, false);
      }
    } catch (SettleException refused) {
      rivalsRefused++;
    } catch (RuntimeException unclear) {
      problems.add("a second coordinator on the log failed with " + unclear + " instead of a clear refusal");
    } catch (InjectedListenerError e) {
      problems.add("listener isolation: a listener's error escaped a second coordinator's recover: " + e);
    }
  }

  private void report(Outcome outcome, boolean last) {
    reported.add(outcome);
    if (last) {
      this.last.put(outcome.transactionId(), outcome);
    }
    if (outcome instanceof Outcome.Committed
        || outcome instanceof Outcome.RolledBack
        || outcome instanceof Outcome.Mixed) {
      world.faults().finished(outcome.transactionId());
    }
  }

  /** A fresh coordinator on the same log, recovered; a crash during recovery starts over. */
  Coordinator<T> restart(boolean crashed) {
    for (int attempt = 1; ; attempt++) {
      List<LogRecord> interrupted = log.takeInterrupted();
      if (crashed && fileLog != null) {
        fileLog.crashAndReopen(interrupted);
        decisions.rebuild();
      }
      log.revive();
      Coordinator<T> c = s.coordinator(world, log);
      try {
        recoveries++;
        for (Outcome outcome : c.recover()) {
          report(outcome, true);
        }
        coordinator = c;
        return c;
      } catch (SimulatedCrash crash) {
        crashed = true;
        // crashed while recovering: a new process tries again, but not forever
        if (attempt >= Simulation.MAX_RESTARTS) {
          throw new AssertionError(
              "termination: recovery crashed " + attempt + " times in a row and never finished", crash);
        }
      } catch (InjectedListenerError e) {
        throw new AssertionError("listener isolation: a listener's error escaped recover", e);
      }
    }
  }

  void checkAll(DecisionWatch decisions) {
    decisions.check();
    if (!problems.isEmpty()) {
      throw new AssertionError(problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
    }
    List<String> reruns = world.faults().reruns();
    if (!reruns.isEmpty()) {
      throw new AssertionError("no re-run: phase-one calls for transactions that had already ended: " + reruns);
    }
    if (world.ledgerUsed()) {
      AppliedLedger applied = world.applied();
      Invariants.noRerun(applied);
      for (Outcome outcome : reported) {
        Invariants.truthfulOutcome(outcome, applied);
      }
    }
  }
}
