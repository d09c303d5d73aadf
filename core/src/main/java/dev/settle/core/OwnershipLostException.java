package dev.settle.core;

import org.jspecify.annotations.Nullable;

/**
 * A write to a shared log (one several coordinator instances use, such as {@code settle-jdbc}'s)
 * was refused because this log instance no longer owns the transaction: another node took it
 * over after this node's lease expired, or another instance opened the log under the same node
 * name and superseded this one. Nothing of the refused append was stored, unless {@link
 * #mayHaveBeenStored()}: the write's commit failed and whether it reached the database is not
 * known, but the transaction is certainly another's now.
 *
 * <p>A coordinator that sees this stops driving the transaction at once, forgets it, publishes
 * {@link dev.settle.core.event.EventType#OWNERSHIP_LOST} and never reports an outcome for it: the
 * new owner finishes it from the log. {@code execute} lets this exception escape, so no {@code
 * Committed} or {@code RolledBack} is returned for a transaction whose last writes were refused;
 * {@code recover} leaves such a transaction out of its outcomes and goes on with the others, and
 * lets the exception escape only when the whole instance was superseded.
 */
public final class OwnershipLostException extends TransactionLogException {
  private static final long serialVersionUID = 1L;

  private final @Nullable TransactionId lostTransaction;
  private final String node;
  private final long epoch;
  private final boolean mayHaveBeenStored;

  /**
   * A refusal: nothing of the write was stored.
   *
   * @param transaction the transaction whose write was refused, or null when the whole node was
   *     superseded (a newer instance opened the log under the same node name)
   * @param node this instance's node name
   * @param epoch this instance's epoch
   * @param detail who owns it now, or why the node lost it
   */
  public OwnershipLostException(
      @Nullable TransactionId transaction, String node, long epoch, String detail) {
    this(transaction, node, epoch, detail, false);
  }

  /**
   * A loss, found after a write whose fate is known ({@code mayHaveBeenStored} false: refused,
   * nothing stored) or not ({@code mayHaveBeenStored} true: its commit failed, so it may have been
   * stored before the new owner took the transaction, and the new owner then drives it from a log
   * that holds it).
   *
   * @param transaction the transaction that was lost, or null when the whole node was superseded
   * @param node this instance's node name
   * @param epoch this instance's epoch
   * @param detail who owns it now, or why the node lost it
   * @param mayHaveBeenStored whether the write's own fate is unknown
   */
  public OwnershipLostException(
      @Nullable TransactionId transaction, String node, long epoch, String detail, boolean mayHaveBeenStored) {
    super(
        (transaction == null ? "" : "[" + transaction + "] ")
            + "log node "
            + node
            + " (epoch "
            + epoch
            + ") no longer owns "
            + (transaction == null ? "its transactions" : "this transaction")
            + ": "
            + detail
            + (mayHaveBeenStored
                ? ". Whether this write was stored is not known (its commit failed); the current"
                    + " owner finishes the transaction from what the log holds, so no outcome may be"
                    + " reported here."
                : ". Nothing was written; the current owner finishes it, so no outcome may be"
                    + " reported here."),
        null);
    this.lostTransaction = transaction;
    this.node = node;
    this.epoch = epoch;
    this.mayHaveBeenStored = mayHaveBeenStored;
  }

  /**
   * Whether the write that found the loss may have been stored: its commit failed, so its fate is
   * unknown. False for a refusal, which stored nothing.
   */
  public boolean mayHaveBeenStored() {
    return mayHaveBeenStored;
  }

  /** The transaction whose write was refused, or null if the whole node was superseded. */
  public @Nullable TransactionId lostTransaction() {
    return lostTransaction;
  }

  /** This log instance's node name. */
  public String node() {
    return node;
  }

  /** This log instance's epoch when the write was refused. */
  public long epoch() {
    return epoch;
  }
}
