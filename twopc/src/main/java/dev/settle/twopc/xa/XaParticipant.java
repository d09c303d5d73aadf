package dev.settle.twopc.xa;

import dev.settle.core.ParticipantException;
import dev.settle.core.internal.Assert;
import dev.settle.twopc.TwoPhaseContext;
import dev.settle.twopc.TwoPhaseParticipant;
import dev.settle.twopc.Vote;
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
 * <p>{@code XA_RDONLY} is a read-only vote; an {@code XA_RB*} error from prepare is an abort vote;
 * {@code XAER_NOTA} from commit or rollback means the branch is already finished (a retry, or
 * recovery after the resource completed it).
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
      if (isRollback(e)) {
        return Vote.ABORT;
      }
      throw failure(ctx, "prepare", e);
    }
  }

  @Override
  public void commit(TwoPhaseContext ctx, boolean onePhase) {
    try {
      resource.commit(xid(ctx), onePhase);
      started.remove(xid(ctx));
    } catch (XAException e) {
      if (!onePhase && (e.errorCode == XAException.XAER_NOTA || !stillInDoubt(ctx))) {
        return; // already committed: an earlier attempt or the resource's own recovery did it
      }
      if (e.errorCode == XAException.XA_HEURCOM) {
        forget(ctx);
        return;
      }
      throw failure(ctx, onePhase ? "one-phase commit" : "commit", e);
    }
  }

  @Override
  public void rollback(TwoPhaseContext ctx) {
    if (!started.remove(xid(ctx)) && !stillInDoubt(ctx)) {
      // Recovery of a branch the resource no longer holds: nothing to roll back. The scan also
      // lets drivers that resolve only scanned branches (H2) roll back one prepared elsewhere.
      return;
    }
    try {
      resource.rollback(xid(ctx));
    } catch (XAException e) {
      if (e.errorCode == XAException.XAER_NOTA || isRollback(e) || !stillInDoubt(ctx)) {
        return; // never prepared, or already rolled back: presumed abort's no-op
      }
      if (e.errorCode == XAException.XA_HEURRB) {
        forget(ctx);
        return;
      }
      throw failure(ctx, "rollback", e);
    }
  }

  /**
   * Whether the resource still lists the branch as prepared. Not every driver reports a finished
   * branch as {@code XAER_NOTA} (H2 answers with code 0), so a failed commit or rollback of a
   * branch that the resource no longer holds counts as finished.
   */
  private boolean stillInDoubt(TwoPhaseContext ctx) {
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

  private void forget(TwoPhaseContext ctx) {
    try {
      resource.forget(xid(ctx));
    } catch (XAException ignored) {
      // forgetting is housekeeping; the outcome already matches the decision
    }
  }

  private static SettleXid xid(TwoPhaseContext ctx) {
    return SettleXid.of(ctx.transactionId(), ctx.branchId());
  }

  private static boolean isRollback(XAException e) {
    return e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND;
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
        "XA " + what + " failed with error code " + e.errorCode + ": " + e.getMessage(),
        e);
  }

  @Override
  public String toString() {
    return "XaParticipant[" + name + "]";
  }
}
