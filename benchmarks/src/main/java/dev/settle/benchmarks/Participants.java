package dev.settle.benchmarks;

import dev.settle.saga.spi.StepAction;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;

/** Minimal in-memory participants: each phase-one or phase-two call is one map update or none. */
final class Participants {
  private Participants() {}

  /** TCC: Try updates the account; Confirm and Cancel do nothing more. */
  static TccParticipant tcc(String name, Accounts accounts) {
    return new TccParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void tryReserve(TccContext ctx) {
        accounts.add(ctx.branchId().hashCode(), -1);
      }

      @Override
      public void confirm(TccContext ctx) {}

      @Override
      public void cancel(TccContext ctx) {}
    };
  }

  /** 2PC: prepare does nothing; commit updates the account. */
  static TwoPhaseParticipant twoPhase(String name, Accounts accounts) {
    return new TwoPhaseParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Vote prepare(TwoPhaseContext ctx) {
        return Vote.PREPARED;
      }

      @Override
      public void commit(TwoPhaseContext ctx, boolean onePhase) {
        accounts.add(ctx.branchId().hashCode(), 1);
      }

      @Override
      public void rollback(TwoPhaseContext ctx) {}
    };
  }

  /** A saga step: the action updates the account. */
  static StepAction step(Accounts accounts, int account) {
    return ctx -> accounts.add(account, 1);
  }
}
