package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;

import dev.settle.core.BranchId;
import dev.settle.core.internal.check.Assert;
import dev.settle.core.internal.ParticipantNames;

/**
 * One branch of a TCC transaction: who serves it and what it is about.
 *
 * @param id unique within the transaction
 * @param participant the resource
 * @param payload handed to every call of this branch and kept in the log for recovery
 */
public record TccBranch(BranchId id, TccParticipant participant, byte[] payload) {
  /** Checks the fields (the participant's name too) and copies the payload. */
  public TccBranch {
    Assert.notNull(id, "branch id");
    Assert.notNull(participant, "participant");
    ParticipantNames.of(participant, "branch " + id); // the log records it with the branch
    payload = Assert.notNull(payload, "payload").clone();
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }
}
