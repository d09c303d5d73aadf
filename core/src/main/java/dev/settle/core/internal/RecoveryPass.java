package dev.settle.core.internal;

import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.log.LogRecord;
import dev.settle.core.log.TransactionImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The part of recovery every protocol shares: find the unfinished transactions in the log, skip
 * the ones this coordinator instance is still running, and settle the decision to drive, which
 * under presumed abort is roll back when none was logged.
 */
public final class RecoveryPass {
  /**
   * The decision recovery drives a transaction to.
   *
   * @param decision the logged decision, or roll back when none was logged
   * @param reason what to report as the reason
   */
  public record Resolved(Decision decision, String reason) {}

  private RecoveryPass() {}

  /** Runs {@code recoverOne} for each unfinished transaction not in {@code inFlight}. */
  public static List<Outcome> run(
      Journal journal, Set<TransactionId> inFlight, Function<TransactionImage, Outcome> recoverOne) {
    List<Outcome> outcomes = new ArrayList<>();
    for (TransactionImage image : journal.recoverUnfinished().values()) {
      if (inFlight.contains(image.transactionId())) {
        continue; // this instance is still running it
      }
      try (MdcScope mdc = MdcScope.open(image.transactionId())) {
        outcomes.add(recoverOne.apply(image));
      }
    }
    return outcomes;
  }

  /**
   * The decision to drive {@code image} to. With none logged it is roll back (presumed abort),
   * logged before any call is sent; {@code force} says whether that write must be durable (TCC:
   * yes, a cancel must not turn into a confirm; 2PC: no, absence already means abort).
   */
  public static Resolved resolve(
      Journal journal, EventDispatcher events, TransactionImage image, boolean force) {
    TransactionId tx = image.transactionId();
    events.publish(tx, EventType.TRANSACTION_RECOVERING, "decision " + image.decision());
    Decision logged = image.decision();
    if (logged != null) {
      return new Resolved(logged, "recovered after a crash with the decision logged");
    }
    String reason = "no decision logged before the crash: presumed abort";
    journal.append(new LogRecord.Decided(tx, Decision.ROLLBACK), force);
    events.publish(tx, EventType.DECIDED_ROLLBACK, reason);
    return new Resolved(Decision.ROLLBACK, reason);
  }
}
