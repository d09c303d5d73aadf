package dev.settle.benchmarks;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The peers' participant: an XA resource doing the same work as Settle's benchmark participants,
 * one lock-guarded map update at commit and nothing else.
 */
final class PeerResource implements XAResource {
  private final Accounts accounts;
  private final int account;

  PeerResource(Accounts accounts, int account) {
    this.accounts = accounts;
    this.account = account;
  }

  @Override
  public void commit(Xid xid, boolean onePhase) {
    accounts.add(account, 1);
  }

  @Override
  public void end(Xid xid, int flags) {}

  @Override
  public void forget(Xid xid) {}

  @Override
  public int getTransactionTimeout() {
    return 0;
  }

  @Override
  public boolean isSameRM(XAResource other) {
    return other == this;
  }

  @Override
  public int prepare(Xid xid) {
    return XA_OK;
  }

  @Override
  public Xid[] recover(int flag) {
    return new Xid[0];
  }

  @Override
  public void rollback(Xid xid) {}

  @Override
  public boolean setTransactionTimeout(int seconds) {
    return false;
  }

  @Override
  public void start(Xid xid, int flags) throws XAException {}
}
