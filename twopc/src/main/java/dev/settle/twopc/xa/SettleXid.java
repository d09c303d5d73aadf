package dev.settle.twopc.xa;

import dev.settle.core.BranchId;
import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import javax.transaction.xa.Xid;

/**
 * An XA transaction id made from Settle's ids, under Settle's own format id {@value #FORMAT_ID}
 * ("STLE"), so that a recovery scan can tell Settle's branches from anyone else's, and one
 * coordinator's from another's.
 *
 * <p>Layout (ASCII): the global transaction id is {@code <node name>~<transaction id>}, the branch
 * qualifier is the branch id. The node name is the coordinator's {@linkplain
 * dev.settle.core.config.CoordinatorBuilder#nodeName(String) node name} (at most 16 characters; {@code ~}
 * is never part of a name or id), so the transaction id may take at most 47 of the global id's 64
 * bytes. Xids written before node names existed (no {@code ~}) parse with an empty node name and
 * belong to no coordinator: a scan leaves them alone.
 */
public final class SettleXid implements Xid {
  /** "STLE" in ASCII: marks Xids made by Settle. */
  public static final int FORMAT_ID = 0x53544C45;

  /** Separates the node name from the transaction id in the global id. */
  private static final char SEPARATOR = '~';

  /** XA's limit on a global transaction id. */
  private static final int MAX_GLOBAL_LENGTH = 64;

  private final String nodeName;
  private final TransactionId transactionId;
  private final BranchId branchId;
  private final byte[] global;
  private final byte[] branch;

  private SettleXid(String nodeName, TransactionId transactionId, BranchId branchId, byte[] global) {
    this.nodeName = nodeName;
    this.transactionId = transactionId;
    this.branchId = branchId;
    this.global = global;
    this.branch = branchId.value().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The Xid of one branch of a Settle transaction run by the coordinator named {@code nodeName}.
   *
   * @throws IllegalArgumentException if the node name and transaction id together exceed XA's 64
   *     bytes
   */
  public static SettleXid of(String nodeName, TransactionId transactionId, BranchId branchId) {
    Assert.notBlank(nodeName, "nodeName");
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(branchId, "branchId");
    String global = nodeName + SEPARATOR + transactionId.value();
    Assert.isTrue(
        global.length() <= MAX_GLOBAL_LENGTH,
        "an XA global id holds at most " + MAX_GLOBAL_LENGTH + " bytes: node name \"" + nodeName
            + "\" and transaction id \"" + transactionId + "\" need " + global.length()
            + "; use a shorter transaction id or node name");
    return new SettleXid(nodeName, transactionId, branchId, global.getBytes(StandardCharsets.US_ASCII));
  }

  /** The Xid of a branch run by a coordinator with the default node name. */
  public static SettleXid of(TransactionId transactionId, BranchId branchId) {
    return of(dev.settle.core.config.CoordinatorBuilder.DEFAULT_NODE_NAME, transactionId, branchId);
  }

  /** The Settle ids inside {@code xid}, or empty if it was not made by Settle. */
  public static Optional<SettleXid> parse(Xid xid) {
    if (xid == null || xid.getFormatId() != FORMAT_ID) {
      return Optional.empty();
    }
    try {
      byte[] globalBytes = xid.getGlobalTransactionId();
      String global = new String(globalBytes, StandardCharsets.US_ASCII);
      int separator = global.indexOf(SEPARATOR);
      String node = separator < 0 ? "" : global.substring(0, separator);
      return Optional.of(
          new SettleXid(
              node,
              TransactionId.of(global.substring(separator + 1)),
              BranchId.of(new String(xid.getBranchQualifier(), StandardCharsets.US_ASCII)),
              globalBytes.clone()));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // our format id, but not our ids: leave it alone
    }
  }

  /**
   * The name of the coordinator that made this Xid; empty for an Xid written before node names
   * existed.
   */
  public String nodeName() {
    return nodeName;
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
    return "SettleXid[" + nodeName + SEPARATOR + transactionId + "/" + branchId + "]";
  }
}
