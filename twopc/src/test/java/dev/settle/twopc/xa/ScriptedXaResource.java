package dev.settle.twopc.xa;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XA resource whose answers a test scripts: each call pops the next error code queued for its
 * method (none queued: success). It keeps the prepared set and a log of every call, so tests can
 * check what the coordinator sent and in which order.
 */
class ScriptedXaResource implements XAResource {
  final List<String> calls = new ArrayList<>();
  final Set<Xid> prepared = new LinkedHashSet<>();
  private final Deque<Integer> commitAnswers = new ArrayDeque<>();
  private final Deque<Integer> rollbackAnswers = new ArrayDeque<>();
  private final Deque<Integer> prepareAnswers = new ArrayDeque<>();
  boolean scanFails;
  boolean readOnly;

  ScriptedXaResource commitAnswers(int... codes) {
    for (int code : codes) {
      commitAnswers.add(code);
    }
    return this;
  }

  ScriptedXaResource rollbackAnswers(int... codes) {
    for (int code : codes) {
      rollbackAnswers.add(code);
    }
    return this;
  }

  ScriptedXaResource prepareAnswers(int... codes) {
    for (int code : codes) {
      prepareAnswers.add(code);
    }
    return this;
  }

  long count(String call) {
    return calls.stream().filter(c -> c.startsWith(call)).count();
  }

  private static void answer(Deque<Integer> answers) throws XAException {
    Integer code = answers.poll();
    if (code != null) {
      throw new XAException(code);
    }
  }

  @Override
  public synchronized void commit(Xid xid, boolean onePhase) throws XAException {
    calls.add("commit" + (onePhase ? "1p " : " ") + xid);
    answer(commitAnswers);
    prepared.remove(xid);
  }

  @Override
  public synchronized void rollback(Xid xid) throws XAException {
    calls.add("rollback " + xid);
    answer(rollbackAnswers);
    prepared.remove(xid);
  }

  @Override
  public synchronized int prepare(Xid xid) throws XAException {
    calls.add("prepare " + xid);
    answer(prepareAnswers);
    if (readOnly) {
      return XA_RDONLY; // nothing changed: nothing to commit, nothing kept prepared
    }
    prepared.add(xid);
    return XA_OK;
  }

  @Override
  public synchronized void forget(Xid xid) {
    calls.add("forget " + xid);
    prepared.remove(xid);
  }

  @Override
  public synchronized Xid[] recover(int flag) throws XAException {
    if (scanFails) {
      throw new XAException(XAException.XAER_RMFAIL);
    }
    return prepared.toArray(new Xid[0]);
  }

  @Override
  public synchronized void start(Xid xid, int flags) {
    calls.add("start " + xid);
  }

  @Override
  public synchronized void end(Xid xid, int flags) {
    calls.add("end" + (flags == TMFAIL ? " fail " : " ") + xid);
  }

  @Override
  public int getTransactionTimeout() {
    return 0;
  }

  @Override
  public boolean isSameRM(XAResource other) {
    return other == this;
  }

  @Override
  public boolean setTransactionTimeout(int seconds) {
    return false;
  }
}
