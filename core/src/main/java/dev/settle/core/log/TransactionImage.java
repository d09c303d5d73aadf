package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.CorruptLogException;
import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the log says about one transaction, folded from its records. Immutable: {@link
 * #apply} returns a new image. The same fold serves the live coordinator and recovery, which is
 * why a replayed log rebuilds exactly the state the coordinator had.
 *
 * @param transactionId the transaction
 * @param protocol the protocol that wrote it
 * @param node the node name of the coordinator that began it, or empty if its Begin names none
 * @param startMillis start time, epoch milliseconds
 * @param deadlineMillis phase-one deadline, epoch milliseconds
 * @param branches the branches in registration order
 * @param decision the logged decision, or null if none was logged (presumed abort)
 * @param ended whether the {@link LogRecord.End} record was written
 */
public record TransactionImage(
    TransactionId transactionId,
    String protocol,
    String node,
    long startMillis,
    long deadlineMillis,
    Map<BranchId, BranchImage> branches,
    @Nullable Decision decision,
    boolean ended) {

  /** Makes the branch map unmodifiable, keeping its order. */
  public TransactionImage {
    branches = Collections.unmodifiableMap(new LinkedHashMap<>(branches));
  }

  /** The image right after a {@link LogRecord.Begin}. */
  public static TransactionImage begin(LogRecord.Begin begin) {
    return new TransactionImage(
        begin.transactionId(),
        begin.protocol(),
        begin.node(),
        begin.startMillis(),
        begin.deadlineMillis(),
        Map.of(),
        null,
        false);
  }

  /**
   * The image after {@code record}.
   *
   * @throws CorruptLogException if the record cannot follow this image (an update of an unknown
   *     branch, a second Begin, a decision that contradicts the logged one, anything after End)
   */
  public TransactionImage apply(LogRecord record) {
    if (!record.transactionId().equals(transactionId)) {
      throw inconsistent(record, "belongs to another transaction");
    }
    if (ended) {
      throw inconsistent(record, "follows the End record");
    }
    if (record instanceof LogRecord.Begin) {
      throw inconsistent(record, "is a second Begin");
    }
    if (record instanceof LogRecord.BranchRegistered r) {
      if (branches.containsKey(r.branchId())) {
        throw inconsistent(record, "registers branch " + r.branchId() + " twice");
      }
      Map<BranchId, BranchImage> next = new LinkedHashMap<>(branches);
      next.put(
          r.branchId(),
          new BranchImage(
              r.branchId(), r.participant(), r.payload(), BranchState.REGISTERED, new byte[0]));
      return new TransactionImage(
          transactionId, protocol, node, startMillis, deadlineMillis, next, decision, false);
    }
    if (record instanceof LogRecord.BranchUpdated u) {
      BranchImage branch = branches.get(u.branchId());
      if (branch == null) {
        throw inconsistent(record, "updates unregistered branch " + u.branchId());
      }
      Map<BranchId, BranchImage> next = new LinkedHashMap<>(branches);
      next.put(u.branchId(), branch.with(u.state(), u.data()));
      return new TransactionImage(
          transactionId, protocol, node, startMillis, deadlineMillis, next, decision, false);
    }
    if (record instanceof LogRecord.Decided d) {
      if (decision != null && decision != d.decision()) {
        throw inconsistent(record, "contradicts the logged decision " + decision);
      }
      return new TransactionImage(
          transactionId, protocol, node, startMillis, deadlineMillis, branches, d.decision(), false);
    }
    return new TransactionImage(
        transactionId, protocol, node, startMillis, deadlineMillis, branches, decision, true);
  }

  private CorruptLogException inconsistent(LogRecord record, String why) {
    return new CorruptLogException(
        "log record " + record + " cannot follow transaction " + transactionId + ": it " + why,
        -1);
  }
}
