package dev.settle.twopc.xa;

import dev.settle.core.Decision;
import dev.settle.core.ParticipantException;
import dev.settle.core.internal.check.Assert;
import dev.settle.twopc.TwoPhaseCoordinator;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a resource's prepared branches from the coordinator's log: a branch whose transaction
 * has a logged commit is committed; one with no logged decision (presumed abort) or a logged
 * rollback is rolled back.
 *
 * <p>It touches only what is provably this coordinator's to decide: Xids of other transaction
 * managers, Xids made by a Settle coordinator with another {@linkplain
 * TwoPhaseCoordinator#nodeName() node name} (several coordinators may share one database), and
 * branches of transactions this coordinator {@linkplain TwoPhaseCoordinator#isRunning is still
 * running} are left alone and listed as skipped. So the scan is safe at any time: at start-up
 * after {@link TwoPhaseCoordinator#recover()}, and periodically while transactions run.
 */
public final class XaRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(XaRecovery.class);

  /**
   * What a scan did.
   *
   * @param committed Xids committed
   * @param rolledBack Xids rolled back
   * @param failed Xids the resource refused to finish, to retry later
   * @param skipped Settle Xids left alone: another coordinator's, or a transaction still running
   */
  public record Report(
      List<SettleXid> committed,
      List<SettleXid> rolledBack,
      List<SettleXid> failed,
      List<SettleXid> skipped) {}

  private XaRecovery() {}

  /**
   * Scans {@code resource} and resolves every branch of {@code coordinator}'s that it holds
   * prepared.
   *
   * @throws ParticipantException if the resource cannot list its prepared branches
   */
  public static Report resolve(XAResource resource, TwoPhaseCoordinator coordinator) {
    Assert.notNull(resource, "resource");
    Assert.notNull(coordinator, "coordinator");
    Xid[] prepared;
    try {
      prepared = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    } catch (XAException e) {
      throw new ParticipantException(
          null, null, "XA recovery scan of " + resource + " failed with " + XaCodes.name(e.errorCode), e);
    }
    List<SettleXid> committed = new ArrayList<>();
    List<SettleXid> rolledBack = new ArrayList<>();
    List<SettleXid> failed = new ArrayList<>();
    List<SettleXid> skipped = new ArrayList<>();
    for (Xid xid : prepared == null ? new Xid[0] : prepared) {
      SettleXid ours = SettleXid.parse(xid).orElse(null);
      if (ours == null) {
        continue; // another transaction manager's
      }
      if (!ours.nodeName().equals(coordinator.nodeName())
          || coordinator.isRunning(ours.transactionId())) {
        skipped.add(ours);
        continue;
      }
      boolean commit =
          coordinator.decisionFor(ours.transactionId()).orElse(Decision.ROLLBACK) == Decision.COMMIT;
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
        LOG.warn(
            "could not {} prepared branch {}: {}",
            commit ? "commit" : "roll back", ours, XaCodes.name(e.errorCode), e);
        failed.add(ours);
      }
    }
    return new Report(
        List.copyOf(committed), List.copyOf(rolledBack), List.copyOf(failed), List.copyOf(skipped));
  }
}
