package dev.settle.jdbc.internal;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.internal.LogCodec;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.jdbc.ConflictingDecisionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One transaction's share of one append, ready for the database: whether it begins the
 * transaction (an insert) or continues it (a conditional update), the decision and end it carries
 * for the transaction row, and its records encoded. Checked here so that an append that could
 * never be stored fails before it joins a group.
 *
 * @param tx the transaction
 * @param protocol the protocol when the share holds the Begin, else null
 * @param decision the decision the share logs, or null
 * @param end whether the share holds the End
 * @param bodies the encoded records, in order
 */
record Step(
    TransactionId tx,
    @Nullable String protocol,
    @Nullable Decision decision,
    boolean end,
    List<byte[]> bodies) {

  /** The decision column's code, or null. */
  @Nullable String decisionCode() {
    Decision d = decision;
    return d == null ? null : d == Decision.COMMIT ? Sql.COMMIT : Sql.ROLLBACK;
  }

  /** Splits an append into one step per transaction, in order of first appearance. */
  static List<Step> of(List<LogRecord> records) {
    Map<TransactionId, Draft> drafts = new LinkedHashMap<>();
    for (LogRecord record : records) {
      Draft d = drafts.computeIfAbsent(record.transactionId(), Draft::new);
      d.add(record);
    }
    List<Step> steps = new ArrayList<>(drafts.size());
    drafts.values().forEach(d -> steps.add(new Step(d.tx, d.protocol, d.decision, d.end, d.bodies)));
    return steps;
  }

  /** A step being assembled. */
  private static final class Draft {
    final TransactionId tx;
    @Nullable String protocol;
    @Nullable Decision decision;
    boolean end;
    final List<byte[]> bodies = new ArrayList<>();

    Draft(TransactionId tx) {
      this.tx = tx;
    }

    void add(LogRecord record) {
      if (end) {
        throw new TransactionLogException(
            "[" + tx + "] refusing " + record + ": it follows the transaction's End in the same append",
            null);
      }
      if (record instanceof LogRecord.Begin b) {
        if (!bodies.isEmpty()) {
          throw new TransactionLogException(
              "[" + tx + "] refusing " + record + ": a Begin must be the transaction's first record",
              null);
        }
        protocol = b.protocol();
      } else if (record instanceof LogRecord.Decided d) {
        Decision known = decision;
        if (known != null && known != d.decision()) {
          throw new ConflictingDecisionException(tx, known);
        }
        decision = d.decision();
      } else if (record instanceof LogRecord.End) {
        end = true;
      }
      bodies.add(LogCodec.encode(record));
    }
  }
}
