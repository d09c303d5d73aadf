package dev.settle.twopc.xa;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.TransactionLogException;
import dev.settle.core.internal.Assert;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a resource's in-doubt branches from the coordinator's log: a branch prepared in the
 * database whose transaction has a logged commit is committed; any other Settle branch (no logged
 * decision, so presumed abort, or a logged rollback) is rolled back. Xids of other transaction
 * managers are left alone.
 *
 * <p>Run it at start-up, after {@link Coordinator#recover()} and before new transactions start:
 * a transaction still preparing has no decision yet and would be rolled back.
 */
public final class XaRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(XaRecovery.class);

  /**
   * What a scan did.
   *
   * @param committed Xids committed
   * @param rolledBack Xids rolled back
   * @param failed Xids the resource refused to finish, to retry later
   */
  public record Report(List<SettleXid> committed, List<SettleXid> rolledBack, List<SettleXid> failed) {}

  private XaRecovery() {}

  /** Scans {@code resource} and resolves every Settle branch it holds in doubt. */
  public static Report resolve(XAResource resource, Coordinator<?> coordinator) {
    Assert.notNull(resource, "resource");
    Assert.notNull(coordinator, "coordinator");
    Xid[] inDoubt;
    try {
      inDoubt = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    } catch (XAException e) {
      throw new TransactionLogException("XA recovery scan failed with code " + e.errorCode, e);
    }
    List<SettleXid> committed = new ArrayList<>();
    List<SettleXid> rolledBack = new ArrayList<>();
    List<SettleXid> failed = new ArrayList<>();
    for (Xid xid : inDoubt == null ? new Xid[0] : inDoubt) {
      SettleXid ours = SettleXid.parse(xid).orElse(null);
      if (ours == null) {
        continue;
      }
      boolean commit = coordinator.decisionFor(ours.transactionId()).orElse(Decision.ROLLBACK) == Decision.COMMIT;
      try {
        if (commit) {
          resource.commit(xid, false);
          committed.add(ours);
        } else {
          resource.rollback(xid);
          rolledBack.add(ours);
        }
      } catch (XAException e) {
        if (e.errorCode == XAException.XAER_NOTA) {
          continue; // finished meanwhile
        }
        LOG.warn("could not {} in-doubt branch {}: XA code {}", commit ? "commit" : "roll back", ours, e.errorCode, e);
        failed.add(ours);
      }
    }
    return new Report(List.copyOf(committed), List.copyOf(rolledBack), List.copyOf(failed));
  }
}
