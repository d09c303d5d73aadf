package dev.settle.twopc.xa;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.Assert;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import javax.transaction.xa.Xid;

/**
 * An XA transaction id made from Settle's ids: the global transaction id is the transaction id's
 * text, the branch qualifier the branch id's text (each at most 64 bytes, as XA allows), under
 * Settle's own format id, so a recovery scan can tell Settle's branches from anyone else's.
 */
public final class SettleXid implements Xid {
  /** "STLE" in ASCII: marks Xids made by Settle. */
  public static final int FORMAT_ID = 0x53544C45;

  private final TransactionId transactionId;
  private final BranchId branchId;
  private final byte[] global;
  private final byte[] branch;

  private SettleXid(TransactionId transactionId, BranchId branchId) {
    this.transactionId = transactionId;
    this.branchId = branchId;
    this.global = transactionId.value().getBytes(StandardCharsets.US_ASCII);
    this.branch = branchId.value().getBytes(StandardCharsets.US_ASCII);
  }

  /** The Xid of one branch of a Settle transaction. */
  public static SettleXid of(TransactionId transactionId, BranchId branchId) {
    return new SettleXid(
        Assert.notNull(transactionId, "transactionId"), Assert.notNull(branchId, "branchId"));
  }

  /** The Settle ids inside {@code xid}, or empty if it was not made by Settle. */
  public static Optional<SettleXid> parse(Xid xid) {
    if (xid == null || xid.getFormatId() != FORMAT_ID) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SettleXid(
              TransactionId.of(new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII)),
              BranchId.of(new String(xid.getBranchQualifier(), StandardCharsets.US_ASCII))));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // our format id, but not our ids: leave it alone
    }
  }

  /** The Settle transaction. */
  public TransactionId transactionId() {
    return transactionId;
  }

  /** The Settle branch. */
  public BranchId branchId() {
    return branchId;
  }

  @Override
  public int getFormatId() {
    return FORMAT_ID;
  }

  @Override
  public byte[] getGlobalTransactionId() {
    return global.clone();
  }

  @Override
  public byte[] getBranchQualifier() {
    return branch.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Xid x
        && x.getFormatId() == FORMAT_ID
        && Arrays.equals(global, x.getGlobalTransactionId())
        && Arrays.equals(branch, x.getBranchQualifier());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(global) * 31 + Arrays.hashCode(branch);
  }

  @Override
  public String toString() {
    return "SettleXid[" + transactionId + "/" + branchId + "]";
  }
}
