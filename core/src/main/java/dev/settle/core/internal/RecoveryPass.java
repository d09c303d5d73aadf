package dev.settle.core.internal;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.OwnershipLostException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.log.BranchImage;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogScan;
import dev.settle.core.log.QuarantinedTransaction;
import dev.settle.core.log.TransactionImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The part of recovery every protocol shares: find the unfinished transactions in the log, set
 * aside (quarantine) the ones whose records contradict each other, skip the ones this coordinator
 * instance is still running, and settle the decision to drive, which under presumed abort is roll
 * back when none was logged.
 */
public final class RecoveryPass {

  /**
   * The decision recovery drives a transaction to.
   *
   * @param decision the logged decision, or roll back when none was logged
   * @param reason what to report as the reason
   */
  public record Resolved(Decision decision, Reason reason) {}

  /**
   * The branches of a recovered transaction, sorted by what recovery must do with them.
   *
   * @param settled branches that need nothing more (already final), or that cannot be driven
   *     because no participant of that name is registered (reported {@link BranchState#IN_DOUBT})
   * @param toFinish branches to drive, with their participant
   */
  public record Sorted<P>(Map<BranchId, BranchState> settled, Map<BranchImage, P> toFinish) {}

  private RecoveryPass() {}

  /** Sorts {@code image}'s branches, finding participants by name with {@code lookup}. */
  public static <P> Sorted<P> sort(
      TransactionImage image, Function<String, @Nullable P> lookup, EventDispatcher events) {
    Map<BranchId, BranchState> settled = new LinkedHashMap<>();
    Map<BranchImage, P> toFinish = new LinkedHashMap<>();
    for (BranchImage branch : image.branches().values()) {
      P participant = lookup.apply(branch.participant());
      if (branch.state().isFinal()) {
        settled.put(branch.branchId(), branch.state());
      } else if (participant == null) {
        String why =
            "no participant named \"" + branch.participant() + "\" is registered with this"
                + " coordinator: register it on the builder before recover()";
        events.publish(image.transactionId(), branch.branchId(), EventType.BRANCH_IN_DOUBT, why);
        events.log().warn("transaction {} branch {} stays in doubt: {}", image.transactionId(), branch.branchId(), why);
        settled.put(branch.branchId(), BranchState.IN_DOUBT);
      } else {
        toFinish.put(branch, participant);
      }
    }
    return new Sorted<>(settled, toFinish);
  }

  /**
   * Runs {@code recoverOne} for each unfinished transaction of {@code journal}'s protocol not in
   * {@code inFlight}, and reports every quarantined one (event, WARN with its records) without
   * driving it. A transaction is added to {@code inFlight} while it is recovered, so that two
   * passes running at once never drive the same transaction. A transaction another node took over
   * meanwhile (its writes refused with {@link OwnershipLostException}) gets no outcome and the pass
   * goes on; only the loss of the whole instance (superseded) ends the pass with that exception.
   */
  public static List<Outcome> run(
      Journal journal,
      EventDispatcher events,
      Set<TransactionId> inFlight,
      Function<TransactionImage, Outcome> recoverOne) {
    LogScan scan = journal.recoverFromLog();
    for (QuarantinedTransaction quarantined : scan.quarantined(journal.protocol()).values()) {
      report(journal, events, quarantined);
    }
    // What the scan found, then what this instance still holds live that the scan did not show:
    // one that began after the scan read the log, or, on a shared log (which replays only what
    // this instance owns), one another node took over. Driving the latter is how this instance
    // learns of the loss (its first write is refused) and forgets it; the calls it may send first
    // carry the decision already logged, the same one the new owner sends.
    Map<TransactionId, TransactionImage> toDrive = new LinkedHashMap<>(scan.unfinished(journal.protocol()));
    journal.liveImages().forEach(toDrive::putIfAbsent);
    List<Outcome> outcomes = new ArrayList<>();
    for (TransactionImage image : toDrive.values()) {
      TransactionId tx = image.transactionId();
      if (!inFlight.add(tx)) {
        continue; // this instance is still running it, or another pass is recovering it
      }
      try (MdcScope mdc = MdcScope.open(tx)) {
        // The scan may predate records this instance logged since, such as the decision of an
        // execute that ended in doubt while this pass was reading: the live image never does, so
        // it is the one driven, and a transaction no longer live (another pass or an execute
        // finished it since this one scanned) is not driven from the scan's stale image.
        TransactionImage current = journal.live(tx);
        if (current != null) {
          outcomes.add(recoverOne.apply(current));
        }
      } catch (OwnershipLostException lost) {
        if (lost.lostTransaction() == null) {
          throw lost; // the whole instance was superseded: nothing more it writes will land
        }
        // A peer owns it now and finishes it; the journal forgot it and published the event. No
        // outcome is reported for it here, and the other transactions are still this instance's.
        events.log().debug("transaction {} was taken over by another node during recovery", tx);
      } finally {
        inFlight.remove(tx);
      }
    }
    if (!outcomes.isEmpty()) {
      logSummary(events, journal.protocol(), outcomes, scan.quarantined(journal.protocol()).size());
    }
    return outcomes;
  }

  /** One INFO line per pass that did something: what operators look for after a restart. */
  private static void logSummary(EventDispatcher events, String protocol, List<Outcome> outcomes, int quarantined) {
    int committed = 0;
    int rolledBack = 0;
    int mixed = 0;
    int inDoubt = 0;
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Committed) {
        committed++;
      } else if (outcome instanceof Outcome.RolledBack) {
        rolledBack++;
      } else if (outcome instanceof Outcome.Mixed) {
        mixed++;
      } else {
        inDoubt++;
      }
    }
    events.log().info(
        "{} recovery pass drove {} unfinished transactions: {} committed, {} rolled back, {} mixed,"
            + " {} still in doubt; {} quarantined",
        protocol, outcomes.size(), committed, rolledBack, mixed, inDoubt, quarantined);
  }

  private static void report(Journal journal, EventDispatcher events, QuarantinedTransaction q) {
    TransactionId tx = q.transactionId();
    try (MdcScope mdc = MdcScope.open(tx)) {
      if (journal.firstQuarantineReport(tx)) {
        events.log().warn(
            "transaction {} is quarantined and will not be driven: {}. Decide by hand what its"
                + " participants must do; its {} records: {}",
            tx,
            q.reason(),
            q.records().size(),
            q.records());
      } else {
        events.log().debug("transaction {} is still quarantined: {}", tx, q.reason());
      }
    }
    events.publish(tx, EventType.TRANSACTION_QUARANTINED, q.reason());
  }

  /**
   * How recovery came by {@code image}, for the start of the {@code TRANSACTION_RECOVERING}
   * event's detail: {@value #RESUMED} when the coordinator named {@code nodeName} began it (or its
   * Begin names no node), else {@value #TAKEN_OVER} and the node that began it.
   */
  public static String origin(TransactionImage image, String nodeName) {
    String began = image.node();
    return began.isEmpty() || began.equals(nodeName) ? RESUMED : TAKEN_OVER + began;
  }

  /** The detail's start for a transaction this node began. */
  public static final String RESUMED = "resumed";

  /** The detail's start for a transaction another node began, followed by that node's name. */
  public static final String TAKEN_OVER = "taken over from node ";

  /**
   * The decision to drive {@code image} to. With none logged it is roll back (presumed abort),
   * logged before any call is sent; {@code force} says whether that write must be durable (TCC:
   * yes, a cancel must not turn into a confirm; 2PC: no, absence already means abort).
   */
  public static Resolved resolve(
      Journal journal, EventDispatcher events, TransactionImage image, boolean force, String nodeName) {
    TransactionId tx = image.transactionId();
    events.publish(tx, EventType.TRANSACTION_RECOVERING, origin(image, nodeName) + "; decision " + image.decision());
    Decision logged = image.decision();
    if (logged != null) {
      return new Resolved(logged, Reason.of("recovered after a crash with the decision logged"));
    }
    String reason = "no decision logged before the crash: presumed abort";
    journal.append(new LogRecord.Decided(tx, Decision.ROLLBACK, reason, null), force);
    events.publish(tx, EventType.DECIDED_ROLLBACK, reason);
    return new Resolved(Decision.ROLLBACK, Reason.of(reason));
  }
}
