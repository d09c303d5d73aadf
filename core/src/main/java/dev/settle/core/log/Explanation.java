package dev.settle.core.log;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One transaction's story as its log tells it: see {@link Explain}.
 *
 * @param transactionId the transaction
 * @param protocol "2pc", "tcc" or "saga"
 * @param node the node name of the coordinator that began it (empty if its Begin names none)
 * @param startMillis when it began, by the coordinator's clock (epoch milliseconds)
 * @param outcome {@code committed}, {@code rolled-back}, {@code heuristic} (ended with a branch
 *     that applied something other than the decision), {@code in-doubt} (decided, not every branch
 *     acknowledged yet) or {@code undecided} (still running, or stopped before deciding: recovery
 *     will roll it back)
 * @param decision the logged decision, or null if none
 * @param reason why it was decided so, as logged with the decision (empty for a commit)
 * @param failedBranch the branch whose failure or vote caused a rollback, or null
 * @param branches every branch, in registration order
 * @param records how many log records tell this story
 * @param decidedMillis when the decision was logged (epoch milliseconds, the deciding
 *     coordinator's clock), or -1 if undecided or not recorded (logs written before times were)
 * @param endedMillis when the transaction ended, or -1 if it has not (or it was not recorded)
 * @param finishedBy the node name of the coordinator that ended it (another node than {@code node}
 *     when a peer took it over, or a restart under a new name), or empty if not ended or not
 *     recorded
 */
public record Explanation(
    TransactionId transactionId,
    String protocol,
    String node,
    long startMillis,
    String outcome,
    @Nullable Decision decision,
    String reason,
    @Nullable BranchId failedBranch,
    List<Branch> branches,
    int records,
    long decidedMillis,
    long endedMillis,
    String finishedBy) {

  /** Copies the branch list. */
  public Explanation {
    branches = List.copyOf(branches);
  }

  /**
   * One branch.
   *
   * @param id the branch
   * @param participant the participant's name
   * @param state its last logged state
   * @param updates how many times its state was logged after registration (each start, vote,
   *     acknowledgement or retry outcome that was written)
   * @param failure the decision's reason if this is the branch that caused the rollback, else null
   * @param history every logged state change, in order, each with its time (-1 where not
   *     recorded): how long each phase took, and when recovery finished what a crash left
   */
  public record Branch(
      BranchId id,
      String participant,
      BranchState state,
      int updates,
      @Nullable String failure,
      List<Update> history) {
    /** Copies the history. */
    public Branch {
      history = List.copyOf(history);
    }
  }

  /**
   * One logged state change of a branch.
   *
   * @param state the state it moved to
   * @param atMillis when (epoch milliseconds, the coordinator's clock), or -1 if not recorded
   */
  public record Update(BranchState state, long atMillis) {}

  /** How long the transaction took from its start to its end, or -1 if it has not ended (or no time was recorded). */
  public long durationMillis() {
    return endedMillis < 0 ? -1 : Math.max(0, endedMillis - startMillis);
  }
}
