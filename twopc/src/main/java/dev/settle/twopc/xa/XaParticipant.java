package dev.settle.twopc.xa;

import dev.settle.core.BranchState;
import dev.settle.core.HeuristicBranchException;
import dev.settle.core.ParticipantException;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.internal.check.Assert;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.Vote;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Any {@link XAResource} as a 2PC participant. The database does the prepare: {@code begin}
 * starts the XA branch on the resource's connection, the caller's work runs on that connection,
 * {@code end} ends the branch, and prepare, commit and rollback go to the resource.
 *
 * <p>Every XA answer is read as the XA specification defines it ({@link XaCodes}): a heuristic
 * ({@code XA_HEUR*}) is reported as such and forgotten only after the coordinator has logged it;
 * {@code XAER_RMERR} or an {@code XA_RB*} code from a commit means the branch rolled back; {@code
 * XAER_RMFAIL} leaves the outcome unknown; {@code XAER_NOTA} from a two-phase commit or a rollback
 * means the branch is already finished. The Xid carries the coordinator's node name (see {@link
 * SettleXid}).
 */
public final class XaParticipant implements TwoPhaseParticipant {
  private final String name;
  private final XAResource resource;
  /** Branches started through this instance; any other branch is being recovered. */
  private final Set<SettleXid> started = ConcurrentHashMap.newKeySet();

  /**
   * A participant.
   *
   * @param name stable across restarts: recovery finds the resource again by it
   * @param resource the resource, usually from an {@code XAConnection}
   */
  public XaParticipant(String name, XAResource resource) {
    this.name = Assert.notBlank(name, "name");
    this.resource = Assert.notNull(resource, "resource");
  }

  @Override
  public String name() {
    return name;
  }

  /** The wrapped resource. */
  public XAResource resource() {
    return resource;
  }

  @Override
  public void begin(TwoPhaseContext ctx) {
    call(ctx, "start", () -> resource.start(xid(ctx), XAResource.TMNOFLAGS));
    started.add(xid(ctx));
  }

  @Override
  public void end(TwoPhaseContext ctx, boolean success) {
    call(ctx, "end", () -> resource.end(xid(ctx), success ? XAResource.TMSUCCESS : XAResource.TMFAIL));
  }

  @Override
  public Vote prepare(TwoPhaseContext ctx) {
    try {
      return resource.prepare(xid(ctx)) == XAResource.XA_RDONLY ? Vote.READ_ONLY : Vote.PREPARED;
    } catch (XAException e) {
      if (XaCodes.isRollback(e.errorCode)) {
        return Vote.ABORT;
      }
      throw failure(ctx, "prepare", e); // any failure of prepare aborts the transaction
    }
  }

  @Override
  public void commit(TwoPhaseContext ctx, boolean onePhase) {
    String what = onePhase ? "one-phase commit" : "commit";
    try {
      resource.commit(xid(ctx), onePhase);
      started.remove(xid(ctx));
      return;
    } catch (XAException e) {
      int code = e.errorCode;
      if (code == XAException.XA_HEURCOM) {
        forgetQuietly(ctx); // committed, as decided: nothing to report but the housekeeping
        return;
      }
      if (XaCodes.isHeuristic(code)) {
        throw heuristic(ctx, what, e, XaCodes.heuristicState(code));
      }
      if (XaCodes.isRollback(code) || code == XAException.XAER_RMERR) {
        // The branch rolled back instead of committing. One-phase: the resource's own decision,
        // a clean rollback. Two-phase: against the logged commit, so the outcome is Mixed.
        if (onePhase) {
          throw failure(ctx, what + " rolled back", e);
        }
        throw new HeuristicBranchException(
            ctx.transactionId(), ctx.branchId(), BranchState.ROLLED_BACK,
            "XA commit answered " + XaCodes.name(code) + ": the branch rolled back", e);
      }
      if (onePhase) {
        // Anything else leaves a one-phase commit's outcome unknown (XAER_RMFAIL: the resource
        // failed mid-call; XAER_NOTA, XA_RETRY, protocol errors: cannot tell what it did).
        throw unknown(ctx, what, e);
      }
      if (code == XAException.XAER_NOTA || isH2NotFound(ctx, code)) {
        return; // a prepared branch is removed only by committing it: an earlier attempt did
      }
      if (code == XAException.XAER_RMFAIL) {
        throw unknown(ctx, what, e); // retried by the coordinator
      }
      throw failure(ctx, what, e); // XA_RETRY, XAER_INVAL, XAER_PROTO: retried, then in doubt
    }
  }

  @Override
  public void rollback(TwoPhaseContext ctx) {
    if (!started.remove(xid(ctx)) && !stillPrepared(ctx)) {
      // Recovery of a branch the resource does not hold prepared: it never prepared (presumed
      // abort sends rollback to every branch that may have), or it is finished. The scan also
      // lets drivers that resolve only scanned branches (H2) roll back one prepared elsewhere.
      return;
    }
    try {
      resource.rollback(xid(ctx));
    } catch (XAException e) {
      int code = e.errorCode;
      if (code == XAException.XA_HEURRB) {
        forgetQuietly(ctx); // rolled back, as decided
        return;
      }
      if (XaCodes.isHeuristic(code)) {
        throw heuristic(ctx, "rollback", e, XaCodes.heuristicState(code));
      }
      if (code == XAException.XAER_NOTA || XaCodes.isRollback(code) || isH2NotFound(ctx, code)) {
        return; // never prepared, or already rolled back: presumed abort's no-op
      }
      if (code == XAException.XAER_RMFAIL) {
        throw unknown(ctx, "rollback", e);
      }
      throw failure(ctx, "rollback", e); // XAER_RMERR, protocol errors: retried, then in doubt
    }
  }

  @Override
  public void forget(TwoPhaseContext ctx) {
    try {
      resource.forget(xid(ctx));
    } catch (XAException e) {
      if (e.errorCode != XAException.XAER_NOTA) {
        throw failure(ctx, "forget", e);
      }
    }
  }

  /**
   * H2 answers a commit or rollback of a branch it no longer holds with error code 0 ({@code
   * XA_OK}) instead of {@code XAER_NOTA}. Read as "not found" only when the resource confirms it
   * no longer lists the branch as prepared.
   */
  private boolean isH2NotFound(TwoPhaseContext ctx, int code) {
    return code == XaCodes.H2_NOT_FOUND && !stillPrepared(ctx);
  }

  /** Whether the resource still lists the branch as prepared; true when it cannot tell. */
  private boolean stillPrepared(TwoPhaseContext ctx) {
    SettleXid xid = xid(ctx);
    try {
      Xid[] prepared = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
      for (Xid candidate : prepared == null ? new Xid[0] : prepared) {
        if (xid.equals(candidate)) {
          return true;
        }
      }
      return false;
    } catch (XAException e) {
      return true; // cannot tell: assume the worst and let the caller retry
    }
  }

  private void forgetQuietly(TwoPhaseContext ctx) {
    try {
      forget(ctx);
    } catch (ParticipantException ignored) {
      // housekeeping for a heuristic that matches the decision; the outcome is already right
    }
  }

  private static SettleXid xid(TwoPhaseContext ctx) {
    return SettleXid.of(ctx.nodeName(), ctx.transactionId(), ctx.branchId());
  }

  private static HeuristicBranchException heuristic(
      TwoPhaseContext ctx, String what, XAException e, BranchState applied) {
    return new HeuristicBranchException(
        ctx.transactionId(), ctx.branchId(), applied,
        "XA " + what + " answered " + XaCodes.name(e.errorCode), e);
  }

  private static ParticipantTimeoutException unknown(TwoPhaseContext ctx, String what, XAException e) {
    return new ParticipantTimeoutException(
        ctx.transactionId(), ctx.branchId(),
        "XA " + what + " answered " + XaCodes.name(e.errorCode) + "; outcome unknown", e);
  }

  @FunctionalInterface
  private interface XaCall {
    void run() throws XAException;
  }

  private static void call(TwoPhaseContext ctx, String what, XaCall call) {
    try {
      call.run();
    } catch (XAException e) {
      throw failure(ctx, what, e);
    }
  }

  static ParticipantException failure(TwoPhaseContext ctx, String what, XAException e) {
    return new ParticipantException(
        ctx.transactionId(),
        ctx.branchId(),
        "XA " + what + " failed with " + XaCodes.name(e.errorCode) + ": " + e.getMessage(),
        e);
  }

  @Override
  public String toString() {
    return "XaParticipant[" + name + "]";
  }
}
