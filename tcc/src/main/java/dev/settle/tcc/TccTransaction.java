package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;

import dev.settle.core.BranchId;
import dev.settle.core.internal.check.Assert;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The branches of one TCC transaction, in no particular order: Tries run in parallel.
 *
 * <pre>{@code
 * TccTransaction transfer = TccTransaction.builder()
 *     .branch("debit-A", shard1, "A:-100")
 *     .branch("credit-C", shard2, "C:+100")
 *     .build();
 * Outcome outcome = coordinator.execute(transfer);
 * }</pre>
 *
 * @param branches at least one, with distinct ids
 */
public record TccTransaction(List<TccBranch> branches) {
  /** Checks that there is at least one branch and that ids are distinct. */
  public TccTransaction {
    branches = List.copyOf(Assert.notNull(branches, "branches"));
    Assert.isTrue(!branches.isEmpty(), "a TCC transaction needs at least one branch");
    Set<BranchId> seen = new HashSet<>();
    for (TccBranch branch : branches) {
      Assert.isTrue(seen.add(branch.id()), "branch id " + branch.id() + " is used twice");
    }
  }

  /** A builder that adds branches one by one. */
  public static Builder builder() {
    return new Builder();
  }

  /** Adds branches one by one. */
  public static final class Builder {
    private final List<TccBranch> branches = new ArrayList<>();

    private Builder() {}

    /** Adds a branch with a binary payload. */
    public Builder branch(String id, TccParticipant participant, byte[] payload) {
      branches.add(new TccBranch(BranchId.of(id), participant, payload));
      return this;
    }

    /** Adds a branch with a text payload, stored as UTF-8. */
    public Builder branch(String id, TccParticipant participant, String payload) {
      return branch(id, participant, Assert.notNull(payload, "payload").getBytes(StandardCharsets.UTF_8));
    }

    /** The transaction. */
    public TccTransaction build() {
      return new TccTransaction(branches);
    }
  }
}
