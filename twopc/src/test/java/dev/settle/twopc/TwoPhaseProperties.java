package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseContext;
import dev.settle.twopc.spi.Vote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.LogReplay;
import dev.settle.testsupport.CrashingLog;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random votes, prepare failures, phase-two outages and a coordinator crash at any log append,
 * then recovery: all prepared participants end committed, or all rolled back; duplicate phase-two
 * deliveries change nothing. A behaviour per participant: 0 votes abort, 1 read-only, 2 fails its
 * prepare, 3 fails its first two commits, anything else votes commit.
 */
class TwoPhaseProperties {
  @Test
  void everyParticipantEndsTheSameWay() {
    qt().withExamples(1500)
        .forAll(
            lists().of(integers().between(0, 9)).ofSizeBetween(2, 5),
            integers().between(0, 12),
            booleans().all())
        .checkAssert(TwoPhaseProperties::endsTheSameWay);
  }

  private static void endsTheSameWay(
      List<Integer> behaviours, int crashAt, boolean duplicatePhaseTwo) {
    List<Node> nodes = new ArrayList<>();
    TwoPhaseTransaction.Builder tx = TwoPhaseTransaction.builder();
    for (int i = 0; i < behaviours.size(); i++) {
      int behaviour = behaviours.get(i);
      Node node = duplicatePhaseTwo ? new DuplicatingNode("n" + i) : new Node("n" + i);
      if (behaviour == 0) {
        node.vote = Vote.ABORT;
      } else if (behaviour == 1) {
        node.vote = Vote.READ_ONLY;
      } else if (behaviour == 2) {
        node.prepareFailure = new IllegalStateException("prepare failed");
      } else if (behaviour == 3) {
        node.commitFailuresLeft = 2;
      }
      nodes.add(node);
      tx.enlist("n" + i, node);
    }
    CrashingLog log = new CrashingLog(crashAt);
    TransactionId id;
    try {
      id = coordinator(log, nodes).execute(tx.build()).transactionId();
    } catch (CrashingLog.Crash crash) {
      id = log.inner.records().isEmpty() ? null : log.inner.records().get(0).transactionId();
    }
    log.disarm();
    nodes.forEach(n -> n.commitFailuresLeft = 0); // faults stop
    List<Outcome> recovered = coordinator(log, nodes).recover();
    assertThat(recovered).allMatch(Outcome::isClean);
    assertThat(LogReplay.unfinished(log, "2pc")).isEmpty();
    if (id == null) {
      return; // crashed before anything was logged: nothing was prepared either
    }
    Set<Node.State> finals = EnumSet.noneOf(Node.State.class);
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      if (node.vote == Vote.READ_ONLY || node.state(id) == null) {
        continue;
      }
      finals.add(node.state(id));
      assertThat(node.commits).as("commits of %s", node.name()).isLessThanOrEqualTo(1);
    }
    assertThat(finals).as("states %s", finals).hasSizeLessThanOrEqualTo(1);
    assertThat(finals).doesNotContain(Node.State.PREPARED, Node.State.ACTIVE);
  }

  private static TwoPhaseCoordinator coordinator(CrashingLog log, List<Node> nodes) {
    TwoPhaseCoordinatorBuilder b =
        TwoPhaseCoordinator.builder()
            .log(log)
            .executor(Runnable::run)
            .scheduler(d -> {})
            .random(new Random(9));
    nodes.forEach(b::participant);
    return b.build();
  }

  /** Receives every phase-two call twice, as a network that duplicates would deliver it. */
  static final class DuplicatingNode extends Node {
    DuplicatingNode(String name) {
      super(name);
    }

    @Override
    public synchronized void commit(TwoPhaseContext ctx, boolean onePhase) {
      super.commit(ctx, onePhase);
      super.commit(ctx, onePhase);
    }

    @Override
    public synchronized void rollback(TwoPhaseContext ctx) {
      super.rollback(ctx);
      super.rollback(ctx);
    }
  }
}
