package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseParticipant;
import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;

import dev.settle.core.TransactionId;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory 2PC participant: remembers each branch's state, votes as told, and counts real
 * commits so tests can see a duplicate commit change nothing.
 */
class Node implements TwoPhaseParticipant {
  enum State {
    ACTIVE,
    PREPARED,
    COMMITTED,
    ROLLED_BACK
  }

  private final String name;
  final Map<TransactionId, State> states = new HashMap<>();
  Vote vote = Vote.PREPARED;
  RuntimeException prepareFailure;
  int commitFailuresLeft;
  int commits;
  int prepares;

  Node(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void begin(TwoPhaseContext ctx) {
    states.put(ctx.transactionId(), State.ACTIVE);
  }

  @Override
  public synchronized Vote prepare(TwoPhaseContext ctx) {
    prepares++;
    if (prepareFailure != null) {
      throw prepareFailure;
    }
    if (vote == Vote.ABORT) {
      states.put(ctx.transactionId(), State.ROLLED_BACK);
      return vote;
    }
    if (vote == Vote.READ_ONLY) {
      states.remove(ctx.transactionId()); // nothing changed, nothing to finish: forgotten
      return vote;
    }
    states.put(ctx.transactionId(), State.PREPARED);
    return Vote.PREPARED;
  }

  @Override
  public synchronized void commit(TwoPhaseContext ctx, boolean onePhase) {
    if (commitFailuresLeft > 0) {
      commitFailuresLeft--;
      throw new IllegalStateException(name + " unreachable");
    }
    State s = states.get(ctx.transactionId());
    if (s == State.COMMITTED) {
      return; // idempotent
    }
    if (s != State.PREPARED && !(onePhase && s == State.ACTIVE)) {
      throw new IllegalStateException(name + ": commit of a branch in state " + s);
    }
    states.put(ctx.transactionId(), State.COMMITTED);
    commits++;
  }

  @Override
  public synchronized void rollback(TwoPhaseContext ctx) {
    State s = states.get(ctx.transactionId());
    if (s == State.COMMITTED) {
      throw new IllegalStateException(name + ": rollback after commit");
    }
    if (s != null) {
      states.put(ctx.transactionId(), State.ROLLED_BACK);
    }
  }

  synchronized State state(TransactionId tx) {
    return states.get(tx);
  }
}
