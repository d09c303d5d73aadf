package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Decision;
import dev.settle.core.ManualClock;
import dev.settle.core.Outcome;
import dev.settle.core.OwnershipLostException;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.TransactionImage;
import dev.settle.core.log.spi.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The part of recovery every protocol shares, with a stand-in for the protocol's own step. */
class RecoveryPassTest {
  private final ManualClock clock = new ManualClock(0);
  private final List<TransactionEvent> events = new ArrayList<>();
  private final EventDispatcher dispatcher = new EventDispatcher(clock, List.of(events::add), "test");
  private final InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
  private final Set<TransactionId> inFlight = ConcurrentHashMap.newKeySet();

  private TransactionId unfinished(String id, String node, LogRecord... more) {
    TransactionId tx = TransactionId.of(id);
    List<LogRecord> records = new ArrayList<>();
    records.add(new LogRecord.Begin(tx, "test", 0, 10, node));
    records.add(new LogRecord.BranchRegistered(tx, BranchId.of("b"), "p", new byte[0]));
    records.addAll(List.of(more));
    log.append(records, true);
    return tx;
  }

  /** A transaction the log holds decided both ways: recovery quarantines it. */
  private TransactionId decidedBothWays(String id) {
    TransactionId tx = TransactionId.of(id);
    log.append(
        List.of(
            new LogRecord.Begin(tx, "test", 0, 10),
            new LogRecord.Decided(tx, Decision.COMMIT),
            new LogRecord.Decided(tx, Decision.ROLLBACK)),
        true);
    return tx;
  }

  private Journal journal() {
    return new Journal(log, "test", dispatcher, "me");
  }

  @Test
  void eachUnfinishedTransactionIsDrivenOnceExceptThoseRunningHereAndQuarantinedOnes() {
    TransactionId one = unfinished("one", "");
    TransactionId running = unfinished("running", "");
    TransactionId ended = TransactionId.of("ended");
    log.append(List.of(new LogRecord.Begin(ended, "test", 0, 10), new LogRecord.End(ended)), true);
    TransactionId broken = decidedBothWays("broken");
    inFlight.add(running);
    Journal journal = journal();
    List<TransactionId> driven = new ArrayList<>();

    List<Outcome> outcomes =
        RecoveryPass.run(journal, dispatcher, inFlight, image -> {
          driven.add(image.transactionId());
          assertThat(inFlight).as("held while driven").contains(image.transactionId());
          return new Outcome.RolledBack(image.transactionId(), Map.of(), "test");
        });

    assertThat(driven).containsExactly(one);
    assertThat(outcomes).extracting(Outcome::transactionId).containsExactly(one);
    assertThat(inFlight).containsExactly(running);
    assertThat(events).filteredOn(e -> e.type() == EventType.TRANSACTION_QUARANTINED)
        .singleElement().satisfies(e -> assertThat(e.transactionId()).isEqualTo(broken));
    assertThat(journal.firstQuarantineReport(broken)).as("reported once, then quietly").isFalse();
  }

  @Test
  void aTransactionAnotherNodeTookOverIsSkippedButTheLossOfTheWholeInstanceEndsThePass() {
    TransactionId first = unfinished("first", "");
    TransactionId second = unfinished("second", "");
    Journal journal = journal();
    List<TransactionId> driven = new ArrayList<>();
    List<Outcome> outcomes =
        RecoveryPass.run(journal, dispatcher, inFlight, image -> {
          driven.add(image.transactionId());
          if (image.transactionId().equals(first)) {
            throw new OwnershipLostException(image.transactionId(), "me", 1, "a peer owns it now");
          }
          return new Outcome.Committed(image.transactionId(), Map.of());
        });
    assertThat(driven).containsExactlyInAnyOrder(first, second);
    assertThat(outcomes).extracting(Outcome::transactionId).containsExactly(second);
    assertThat(inFlight).isEmpty();

    assertThatThrownBy(
            () -> RecoveryPass.run(journal, dispatcher, inFlight, image -> {
              throw new OwnershipLostException(null, "me", 1, "superseded");
            }))
        .isInstanceOf(OwnershipLostException.class);
    assertThat(inFlight).as("released even when the pass ends").isEmpty();
  }

  @Test
  void withNoDecisionLoggedRecoveryLogsARollbackFirst() {
    TransactionId tx = unfinished("undecided", "node-7");
    Journal journal = journal();
    TransactionImage image = journal.recoverUnfinished().get(tx);

    RecoveryPass.Resolved resolved = RecoveryPass.resolve(journal, dispatcher, image, true, "me");

    assertThat(resolved.decision()).isEqualTo(Decision.ROLLBACK);
    assertThat(resolved.reason().text()).contains("presumed abort");
    assertThat(journal.decisionFor(tx)).isEqualTo(Decision.ROLLBACK);
    assertThat(events).filteredOn(e -> e.type() == EventType.TRANSACTION_RECOVERING)
        .singleElement().satisfies(e -> assertThat(e.detail()).startsWith(RecoveryPass.TAKEN_OVER + "node-7"));
    assertThat(events).filteredOn(e -> e.type() == EventType.DECIDED_ROLLBACK)
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("presumed abort"));
  }

  /**
   * A shared log replays only what this instance owns: a transaction it runs that another node
   * took over is missing from the scan. The pass still drives the live image; its first write is
   * how this instance learns of the loss.
   */
  @Test
  void aTransactionLiveHereThatTheLogNoLongerShowsIsStillDriven() {
    TransactionId hidden = TransactionId.of("hidden");
    dev.settle.core.log.spi.TransactionLog ownOnly =
        new dev.settle.core.log.spi.ForwardingTransactionLog(log) {
          @Override
          public void replay(java.util.function.Consumer<LogRecord> sink) {
            super.replay(r -> {
              if (!r.transactionId().equals(hidden)) {
                sink.accept(r);
              }
            });
          }
        };
    Journal journal = new Journal(ownOnly, "test", dispatcher, "me");
    journal.reserve(hidden);
    journal.append(new LogRecord.Begin(hidden, "test", 0, 10, "me"), true);

    List<TransactionId> driven = new ArrayList<>();
    RecoveryPass.run(journal, dispatcher, inFlight, image -> {
      driven.add(image.transactionId());
      return new Outcome.RolledBack(image.transactionId(), Map.of(), "test");
    });

    assertThat(driven).containsExactly(hidden);
  }

  @Test
  void aLoggedDecisionIsDrivenAsLogged() {
    TransactionId tx = unfinished("decided", "me", new LogRecord.Decided(tx("decided"), Decision.COMMIT));
    Journal journal = journal();
    TransactionImage image = journal.recoverUnfinished().get(tx);

    RecoveryPass.Resolved resolved = RecoveryPass.resolve(journal, dispatcher, image, true, "me");

    assertThat(resolved.decision()).isEqualTo(Decision.COMMIT);
    assertThat(RecoveryPass.origin(image, "me")).isEqualTo(RecoveryPass.RESUMED);
    assertThat(events).extracting(TransactionEvent::type).doesNotContain(EventType.DECIDED_ROLLBACK);
  }

  @Test
  void branchesAreSortedIntoFinalOnesOnesToDriveAndOnesWithNoParticipantHere() {
    TransactionId tx =
        unfinished(
            "mixed", "",
            new LogRecord.BranchRegistered(tx("mixed"), BranchId.of("done"), "p", new byte[0]),
            new LogRecord.BranchUpdated(tx("mixed"), BranchId.of("done"), BranchState.COMMITTED),
            new LogRecord.BranchRegistered(tx("mixed"), BranchId.of("orphan"), "unknown", new byte[0]));
    TransactionImage image = journal().recoverUnfinished().get(tx);

    RecoveryPass.Sorted<String> sorted =
        RecoveryPass.sort(image, name -> name.equals("p") ? "participant p" : null, dispatcher);

    assertThat(sorted.settled())
        .containsEntry(BranchId.of("done"), BranchState.COMMITTED)
        .containsEntry(BranchId.of("orphan"), BranchState.IN_DOUBT);
    assertThat(sorted.toFinish()).hasSize(1);
    assertThat(sorted.toFinish().keySet().iterator().next().branchId()).isEqualTo(BranchId.of("b"));
    assertThat(events).filteredOn(e -> e.type() == EventType.BRANCH_IN_DOUBT)
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("no participant named \"unknown\""));
  }

  /**
   * After a restart operators look for one INFO line per pass that did something: how many
   * transactions it drove to each kind of end, and how many it could not touch. A quarantined
   * transaction is a WARN the first time, then quiet, and a pass that drove nothing says nothing.
   */
  @Test
  void aPassThatDroveSomethingSummarisesItInOneLineForOperators() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProtocolLoggers.name("test"));
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Level before = logger.getLevel();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    captured.start();
    logger.addAppender(captured);
    try {
      Map<TransactionId, Outcome> endings = new java.util.HashMap<>();
      for (String id : List.of("c", "r", "m", "d")) {
        TransactionId tx = unfinished(id, "");
        endings.put(
            tx,
            switch (id) {
              case "c" -> new Outcome.Committed(tx, Map.of());
              case "r" -> new Outcome.RolledBack(tx, Map.of(), "test");
              case "m" -> new Outcome.Mixed(tx, Map.of(), Decision.COMMIT);
              default -> new Outcome.InDoubt(tx, Map.of(), Decision.COMMIT, null);
            });
      }
      TransactionId broken = decidedBothWays("broken");
      Journal journal = journal();

      RecoveryPass.run(journal, dispatcher, inFlight, image -> endings.get(image.transactionId()));
      RecoveryPass.run(journal, dispatcher, inFlight, image -> endings.get(image.transactionId()));

      List<String> infos = captured.list.stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .toList();
      assertThat(infos)
          .hasSize(2)
          .allSatisfy(line -> assertThat(line).isEqualTo(
              "test recovery pass drove 4 unfinished transactions: 1 committed, 1 rolled back, 1 mixed,"
                  + " 1 still in doubt; 1 quarantined"));
      assertThat(captured.list)
          .filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).startsWith("transaction broken is quarantined"));
      assertThat(events).filteredOn(e -> e.type() == EventType.TRANSACTION_QUARANTINED).hasSize(2);

      captured.list.clear();
      InMemoryTransactionLog empty = new InMemoryTransactionLog();
      RecoveryPass.run(new Journal(empty, "test", dispatcher, "me"), dispatcher, inFlight, image -> {
        throw new AssertionError("nothing to drive");
      });
      assertThat(captured.list).isEmpty();
    } finally {
      logger.detachAppender(captured);
      logger.setLevel(before);
    }
  }

  private static TransactionId tx(String id) {
    return TransactionId.of(id);
  }
}
