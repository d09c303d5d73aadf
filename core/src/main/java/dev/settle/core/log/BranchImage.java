package dev.settle.core.log;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.internal.check.Assert;
import java.util.Arrays;

/**
 * One branch as the log knows it.
 *
 * @param branchId the branch
 * @param participant the name of the participant serving it
 * @param payload the payload registered with it
 * @param state its last logged state
 * @param data the data of its last logged update that carried any (a saga step's result; a
 *     later update without data, such as a failed compensation, keeps it)
 */
public record BranchImage(
    BranchId branchId, String participant, byte[] payload, BranchState state, byte[] data) {
  /** Checks the fields; the arrays are taken as given (records are the only producers). */
  public BranchImage {
    Assert.notNull(branchId, "branchId");
    Assert.notNull(participant, "participant");
    Assert.notNull(payload, "payload");
    Assert.notNull(state, "state");
    Assert.notNull(data, "data");
  }

  /** A copy of the payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** A copy of the data. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  BranchImage with(BranchState newState, byte[] newData) {
    return new BranchImage(
        branchId, participant, payload, newState, newData.length == 0 ? data : newData);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BranchImage b
        && branchId.equals(b.branchId)
        && participant.equals(b.participant)
        && Arrays.equals(payload, b.payload)
        && state == b.state
        && Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    return (branchId.hashCode() * 31 + participant.hashCode()) * 31 + state.hashCode();
  }

  @Override
  public String toString() {
    return branchId + "@" + participant + ":" + state;
  }
}
