package dev.settle.core.log;

import dev.settle.core.log.spi.TransactionLog;
import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * "Why did transaction X roll back, and where is it?", answered from the coordinator's log: when
 * it began and on which node, each branch's last state and how often it moved, the decision with
 * the reason and the branch that caused it, and whether it ended. Reads what the log still holds
 * ({@link TransactionLog#replayHistory}): the file log forgets ended transactions when it compacts,
 * unless its {@code historyRetention} keeps them.
 * Read-only; open the log while no coordinator uses it, or pass the log a coordinator uses.
 */
public final class Explain {
  private Explain() {}

  /** The transaction {@code tx}, if the log holds it. */
  public static Optional<Explanation> of(TransactionLog log, TransactionId tx) {
    Assert.notNull(tx, "tx");
    return Optional.ofNullable(fold(log).get(tx)).map(Story::explain);
  }

  /**
   * The story {@code records} tell (one transaction's records in log order, as a shared log's
   * {@code records(tx)} returns them), if they begin with its Begin.
   */
  public static Optional<Explanation> of(List<LogRecord> records) {
    Assert.notNull(records, "records");
    @Nullable Story story = null;
    for (LogRecord record : records) {
      if (record instanceof LogRecord.Begin begin) {
        story = new Story(begin);
      } else if (story != null) {
        story.add(record);
      }
    }
    return Optional.ofNullable(story).map(Story::explain);
  }

  /** Every transaction the log holds, in the order they began. */
  public static List<Explanation> all(TransactionLog log) {
    List<Explanation> all = new ArrayList<>();
    fold(log).values().forEach(story -> all.add(story.explain()));
    return all;
  }

  private static Map<TransactionId, Story> fold(TransactionLog log) {
    Assert.notNull(log, "log");
    Map<TransactionId, Story> stories = new LinkedHashMap<>();
    log.replayHistory(record -> {
      if (record instanceof LogRecord.Begin begin) {
        stories.put(begin.transactionId(), new Story(begin));
      } else {
        Story story = stories.get(record.transactionId());
        if (story != null) {
          story.add(record);
        }
      }
    });
    return stories;
  }

  /** One transaction's records, folded as they come. */
  private static final class Story {
    private final LogRecord.Begin begin;
    private final Map<BranchId, String> participants = new LinkedHashMap<>();
    private final Map<BranchId, BranchState> states = new LinkedHashMap<>();
    private final Map<BranchId, Integer> updates = new LinkedHashMap<>();
    private final Map<BranchId, List<Explanation.Update>> histories = new LinkedHashMap<>();
    private LogRecord.@Nullable Decided decided;
    private LogRecord.@Nullable End end;
    private boolean ended;
    private int records = 1;

    Story(LogRecord.Begin begin) {
      this.begin = begin;
    }

    void add(LogRecord record) {
      records++;
      if (record instanceof LogRecord.BranchRegistered r) {
        participants.put(r.branchId(), r.participant());
        states.put(r.branchId(), BranchState.REGISTERED);
        updates.put(r.branchId(), 0);
      } else if (record instanceof LogRecord.BranchUpdated u) {
        states.put(u.branchId(), u.state());
        updates.merge(u.branchId(), 1, Integer::sum);
        histories.computeIfAbsent(u.branchId(), b -> new ArrayList<>()).add(new Explanation.Update(u.state(), u.atMillis()));
      } else if (record instanceof LogRecord.Decided d) {
        if (decided == null || (decided.reason().isEmpty() && !d.reason().isEmpty())) {
          decided = d; // the first decision; a repeat only adds a reason if the first had none
        }
      } else if (record instanceof LogRecord.End e) {
        ended = true;
        end = e;
      }
    }

    Explanation explain() {
      LogRecord.Decided d = decided;
      Decision decision = d == null ? null : d.decision();
      BranchId failed = d == null ? null : d.failedBranch();
      String reason = d == null ? "" : d.reason();
      List<Explanation.Branch> branches = new ArrayList<>();
      participants.forEach((id, participant) -> branches.add(new Explanation.Branch(
          id, participant, states.getOrDefault(id, BranchState.REGISTERED), updates.getOrDefault(id, 0),
          id.equals(failed) ? reason : null, histories.getOrDefault(id, List.of()))));
      LogRecord.End e = end;
      return new Explanation(
          begin.transactionId(), begin.protocol(), begin.node(), begin.startMillis(),
          outcome(decision), decision, reason, failed, branches, records,
          d == null ? -1 : d.atMillis(), e == null ? -1 : e.atMillis(), e == null ? "" : e.node());
    }

    private String outcome(@Nullable Decision decision) {
      if (decision == null) {
        // Ended with no decision: a 2PC whose voters were all read-only, or a one-phase commit,
        // where the only branch decided alone: its state says how.
        return !ended ? "undecided" : undecidedEnd();
      }
      if (!ended) {
        return "in-doubt";
      }
      BranchState against = decision == Decision.COMMIT ? BranchState.ROLLED_BACK : BranchState.COMMITTED;
      for (BranchState state : states.values()) {
        if (state.isHeuristic() || state == against) {
          return "heuristic";
        }
      }
      return decision == Decision.COMMIT ? "committed" : "rolled-back";
    }

    private String undecidedEnd() {
      boolean committed = states.containsValue(BranchState.COMMITTED);
      boolean rolledBack = states.containsValue(BranchState.ROLLED_BACK);
      if (states.values().stream().anyMatch(BranchState::isHeuristic) || (committed && rolledBack)) {
        return "heuristic";
      }
      return rolledBack ? "rolled-back" : "committed";
    }
  }
}
