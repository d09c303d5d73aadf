package dev.settle.core.log.spi;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the coordinator's append-only log. A transaction's records, in order, are its
 * whole history: {@link Begin}, one {@link BranchRegistered} per branch, {@link BranchUpdated} as
 * branches move, one {@link Decided}, and {@link End} once every branch acknowledged the decision.
 * {@link dev.settle.core.log.LogReplay} folds them back into {@link dev.settle.core.log.TransactionImage}s after a crash.
 */
public sealed interface LogRecord
    permits LogRecord.Begin,
        LogRecord.BranchRegistered,
        LogRecord.BranchUpdated,
        LogRecord.Decided,
        LogRecord.End {

  /** The transaction this record belongs to. */
  TransactionId transactionId();

  /**
   * A transaction started.
   *
   * @param transactionId the transaction
   * @param protocol which coordinator wrote it ("2pc", "tcc", "saga"), so recovery of a shared
   *     log picks only its own transactions
   * @param startMillis the coordinator clock's time at start, epoch milliseconds
   * @param deadlineMillis after this no participant may start phase one (TCC refuses late Tries)
   * @param node the node name (the coordinator builder's {@code nodeName}) of
   *     the coordinator that began it, or empty if unknown. Another node that takes the
   *     transaction over (a shared log) addresses its branches under this name, since that is how
   *     the participants know them (an XA branch's Xid carries it)
   */
  record Begin(
      TransactionId transactionId,
      String protocol,
      long startMillis,
      long deadlineMillis,
      String node)
      implements LogRecord {
    /** Checks the fields. */
    public Begin {
      Assert.notNull(transactionId, "transactionId");
      Assert.notBlank(protocol, "protocol");
      Assert.notNull(node, "node");
    }

    /** A Begin that names no node, as records written before node names were logged read back. */
    public Begin(TransactionId transactionId, String protocol, long startMillis, long deadlineMillis) {
      this(transactionId, protocol, startMillis, deadlineMillis, "");
    }
  }

  /**
   * A branch joined the transaction.
   *
   * @param transactionId the transaction
   * @param branchId the branch, unique within the transaction
   * @param participant the {@link dev.settle.core.spi.Participant#name() name} of the participant
   *     that serves the branch, used to find it again after a restart
   * @param payload what the participant needs to redo phase two (an amount, a key); may be empty
   */
  record BranchRegistered(
      TransactionId transactionId, BranchId branchId, String participant, byte[] payload)
      implements LogRecord {
    /** Checks the fields and copies the payload. */
    public BranchRegistered {
      Assert.notNull(transactionId, "transactionId");
      Assert.notNull(branchId, "branchId");
      Assert.notBlank(participant, "participant");
      payload = Assert.copyOf(payload, "payload");
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BranchRegistered r
          && transactionId.equals(r.transactionId)
          && branchId.equals(r.branchId)
          && participant.equals(r.participant)
          && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
      return (transactionId.hashCode() * 31 + branchId.hashCode()) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "BranchRegistered[" + transactionId + "/" + branchId + " on " + participant + ", "
          + payload.length + " payload bytes]";
    }
  }

  /**
   * A branch moved to a new state.
   *
   * @param transactionId the transaction
   * @param branchId the branch
   * @param state its new state
   * @param data what the branch produced (a saga step's result, passed on to later steps and to
   *     its compensation); may be empty
   * @param atMillis when, by the coordinator's clock (epoch milliseconds), or -1 when not recorded
   *     (records written before times were logged, and records built by hand)
   */
  record BranchUpdated(
      TransactionId transactionId, BranchId branchId, BranchState state, byte[] data, long atMillis)
      implements LogRecord {
    /** Checks the fields and copies the data. */
    public BranchUpdated {
      Assert.notNull(transactionId, "transactionId");
      Assert.notNull(branchId, "branchId");
      Assert.notNull(state, "state");
      data = Assert.copyOf(data, "data");
      Assert.isTrue(atMillis >= -1, "atMillis must be -1 (not recorded) or a time, was ", atMillis);
    }

    /** A state change with its data, at a time not recorded. */
    public BranchUpdated(TransactionId transactionId, BranchId branchId, BranchState state, byte[] data) {
      this(transactionId, branchId, state, data, -1);
    }

    /** A state change that carries no data, at a time not recorded. */
    public BranchUpdated(TransactionId transactionId, BranchId branchId, BranchState state) {
      this(transactionId, branchId, state, new byte[0], -1);
    }

    /** This record stamped with {@code millis}. */
    public BranchUpdated at(long millis) {
      return new BranchUpdated(transactionId, branchId, state, data, millis);
    }

    /** A copy of the data. */
    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BranchUpdated r
          && transactionId.equals(r.transactionId)
          && branchId.equals(r.branchId)
          && state == r.state
          && Arrays.equals(data, r.data)
          && atMillis == r.atMillis;
    }

    @Override
    public int hashCode() {
      return (transactionId.hashCode() * 31 + branchId.hashCode()) * 31 + state.hashCode();
    }

    @Override
    public String toString() {
      return "BranchUpdated[" + transactionId + "/" + branchId + " " + state + ", " + data.length
          + " data bytes" + (atMillis < 0 ? "" : ", at " + atMillis) + "]";
    }
  }

  /**
   * The coordinator's decision. Written durably before any phase-two call is sent; once written
   * it never changes.
   *
   * @param transactionId the transaction
   * @param decision commit or roll back
   * @param reason why, in one line (empty when there is nothing to say, as for a commit); kept so
   *     that the transaction can be explained after it ended ({@link dev.settle.core.log.Explain})
   * @param failedBranch the branch whose failure or vote made the coordinator roll back, or null
   * @param atMillis when, by the coordinator's clock (epoch milliseconds), or -1 when not recorded
   */
  record Decided(
      TransactionId transactionId,
      Decision decision,
      String reason,
      @Nullable BranchId failedBranch,
      long atMillis)
      implements LogRecord {
    /** The longest reason kept; a longer one is cut, since a log record is no place for a story. */
    public static final int MAX_REASON_LENGTH = 1000;

    /** Checks the fields and cuts an overlong reason. */
    public Decided {
      Assert.notNull(transactionId, "transactionId");
      Assert.notNull(decision, "decision");
      Assert.notNull(reason, "reason");
      if (reason.length() > MAX_REASON_LENGTH) {
        int cut = MAX_REASON_LENGTH - 1;
        if (Character.isHighSurrogate(reason.charAt(cut - 1))) {
          cut--; // never half a character: the log stores UTF-8, which has no half characters
        }
        reason = reason.substring(0, cut) + "\u2026";
      }
      Assert.isTrue(atMillis >= -1, "atMillis must be -1 (not recorded) or a time, was ", atMillis);
    }

    /** A decision with its reason, at a time not recorded. */
    public Decided(
        TransactionId transactionId, Decision decision, String reason, @Nullable BranchId failedBranch) {
      this(transactionId, decision, reason, failedBranch, -1);
    }

    /** A decision with nothing more to say. */
    public Decided(TransactionId transactionId, Decision decision) {
      this(transactionId, decision, "", null, -1);
    }

    /** This record stamped with {@code millis}. */
    public Decided at(long millis) {
      return new Decided(transactionId, decision, reason, failedBranch, millis);
    }
  }

  /**
   * Every branch acknowledged the decision; the transaction needs nothing more and its records
   * may be compacted away.
   *
   * @param transactionId the transaction
   * @param node the node name of the coordinator that finished it, or empty when not recorded
   * @param atMillis when, by that coordinator's clock (epoch milliseconds), or -1 when not recorded
   */
  record End(TransactionId transactionId, String node, long atMillis) implements LogRecord {
    /** Checks the fields. */
    public End {
      Assert.notNull(transactionId, "transactionId");
      Assert.notNull(node, "node");
      Assert.isTrue(atMillis >= -1, "atMillis must be -1 (not recorded) or a time, was ", atMillis);
      // The log writes who and when together (an untimed End has the older, empty form).
      Assert.isTrue(atMillis >= 0 || node.isEmpty(), "an End naming its node must say when, was ", atMillis);
    }

    /** An End that says neither who nor when. */
    public End(TransactionId transactionId) {
      this(transactionId, "", -1);
    }
  }
}
