package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import dev.settle.core.TransactionId;
import dev.settle.core.internal.check.Assert;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A transaction whose records cannot be folded into one consistent history: it begins twice, its
 * decisions contradict each other, it updates a branch it never registered, it has records but no
 * Begin, or a record follows its End. Recovery never drives such a transaction (any decision it
 * sent could be the wrong one); it reports it and goes on with the others. A person decides what
 * happened, from {@link #records()} and the participants' own state.
 *
 * @param transactionId the transaction
 * @param protocol the protocol its first Begin names, or null when it has no Begin
 * @param reason the first inconsistency found
 * @param records every record of the transaction still in the log, in append order
 */
public record QuarantinedTransaction(
    TransactionId transactionId, @Nullable String protocol, String reason, List<LogRecord> records) {
  /** Checks the fields and copies the records. */
  public QuarantinedTransaction {
    Assert.notNull(transactionId, "transactionId");
    Assert.notNull(reason, "reason");
    records = List.copyOf(records);
  }

  /**
   * Whether a coordinator of {@code protocol} should report it: its own transactions, and those
   * with no Begin, whose protocol nobody can tell.
   */
  public boolean concerns(String protocol) {
    return this.protocol == null || this.protocol.equals(protocol);
  }
}
