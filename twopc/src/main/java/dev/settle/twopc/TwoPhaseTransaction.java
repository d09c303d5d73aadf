package dev.settle.twopc;

import dev.settle.twopc.spi.TwoPhaseParticipant;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import dev.settle.core.internal.ParticipantNames;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The participants of one two-phase commit and the caller's work, which runs after they are
 * enlisted and before they prepare (for XA: the SQL on each resource's connection).
 *
 * <pre>{@code
 * coordinator.execute(TwoPhaseTransaction.builder()
 *     .enlist("node1", db1)
 *     .enlist("node2", db2)
 *     .work(tx -> { debit(db1, "A", 100); credit(db2, "C", 100); })
 *     .build());
 * }</pre>
 *
 * @param participants by branch id, in enlistment order; at least one
 * @param work the caller's work; throwing rolls every branch back
 */
public record TwoPhaseTransaction(Map<BranchId, TwoPhaseParticipant> participants, Work work) {
  /** The caller's work, run once the participants are enlisted. */
  @FunctionalInterface
  public interface Work {
    /** Does the transaction's reads and writes. */
    void run(TransactionId transactionId) throws Exception;
  }

  /** Checks the fields. */
  public TwoPhaseTransaction {
    Assert.notNull(participants, "participants");
    Assert.isTrue(!participants.isEmpty(), "a two-phase transaction needs at least one participant");
    participants.forEach(
        (id, participant) -> {
          Assert.notNull(participant, "participant of branch " + id);
          ParticipantNames.of(participant, "branch " + id); // the log records it with the branch
        });
    participants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(participants));
    Assert.notNull(work, "work");
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Enlists participants and sets the work. */
  public static final class Builder {
    private final Map<BranchId, TwoPhaseParticipant> participants = new LinkedHashMap<>();
    private final Set<BranchId> seen = new HashSet<>();
    private Work work = tx -> {};

    private Builder() {}

    /** Enlists a participant as branch {@code branchId}. */
    public Builder enlist(String branchId, TwoPhaseParticipant participant) {
      BranchId id = BranchId.of(branchId);
      Assert.notNull(participant, "participant");
      Assert.isTrue(seen.add(id), "branch id " + id + " is enlisted twice");
      participants.put(id, participant);
      return this;
    }

    /** The work to run after enlisting, before prepare. */
    public Builder work(Work work) {
      this.work = Assert.notNull(work, "work");
      return this;
    }

    /** The transaction. */
    public TwoPhaseTransaction build() {
      return new TwoPhaseTransaction(participants, work);
    }
  }
}
