package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.EventDispatcher;
import dev.settle.core.internal.Journal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A coordinator's live state and the state rebuilt by replaying its log must agree at every
 * point; otherwise recovery after a crash would act on a different transaction than the one the
 * coordinator was running. Each example is a list of choices that drives a journal (begin, register,
 * update, decide, end); QuickTheories shrinks a failing list and reports it with its seed.
 */
class LogReplayProperties {
  @Test
  void replayingAnyPrefixRebuildsTheLiveStateAtThatPoint() {
    qt().withExamples(1000)
        .forAll(lists().of(integers().between(0, 10_000)).ofSizeBetween(0, 120))
        .checkAssert(LogReplayProperties::replayMatchesLive);
  }

  private static void replayMatchesLive(List<Integer> choices) {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    Journal journal = new Journal(log, "test", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));
    List<Map<TransactionId, TransactionImage>> liveAfterEach = new ArrayList<>();
    List<TransactionId> open = new ArrayList<>();
    Map<TransactionId, Integer> branchCount = new LinkedHashMap<>();
    int started = 0;
    for (int choice : choices) {
      int kind = choice % 5;
      int pick = choice / 5;
      if (open.isEmpty() || kind == 0) {
        TransactionId tx = TransactionId.of("tx" + started++);
        journal.append(new LogRecord.Begin(tx, "test", started, started + 100), pick % 2 == 0);
        open.add(tx);
        branchCount.put(tx, 0);
      } else {
        TransactionId tx = open.get(pick % open.size());
        int branches = branchCount.get(tx);
        if (kind == 1 || branches == 0) {
          journal.append(
              new LogRecord.BranchRegistered(
                  tx, BranchId.of("b" + branches), "p" + pick % 3, new byte[] {(byte) pick}),
              false);
          branchCount.put(tx, branches + 1);
        } else if (kind == 2) {
          BranchState state = BranchState.values()[pick % BranchState.values().length];
          journal.append(
              new LogRecord.BranchUpdated(
                  tx, BranchId.of("b" + pick % branches), state, new byte[pick % 4]),
              false);
        } else if (kind == 3) {
          TransactionImage image = journal.live(tx);
          Decision decision =
              image != null && image.decision() != null
                  ? image.decision()
                  : Decision.values()[pick % 2];
          journal.decide(tx, decision);
        } else {
          journal.end(tx);
          open.remove(tx);
        }
      }
      liveAfterEach.add(journal.liveImages());
    }
    List<LogRecord> records = log.records();
    assertThat(records).hasSize(liveAfterEach.size());
    for (int i = 0; i < records.size(); i++) {
      Map<TransactionId, TransactionImage> replayed = new LinkedHashMap<>();
      LogReplay.all(records.subList(0, i + 1))
          .forEach(
              (id, image) -> {
                if (!image.ended()) {
                  replayed.put(id, image);
                }
              });
      assertThat(replayed).as("after record %d", i).isEqualTo(liveAfterEach.get(i));
    }
  }
}
