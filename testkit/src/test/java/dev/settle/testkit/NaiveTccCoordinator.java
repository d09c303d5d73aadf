package dev.settle.testkit;

import dev.settle.core.BranchId;
import dev.settle.core.BranchState;
import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.core.log.TransactionImage;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccBranch;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A planted bug: a hand-written TCC coordinator that gets the protocol right but trusts its
 * surroundings. It takes any id its generator hands out (a reused one runs again), and its
 * recovery presumes abort for every transaction without a decision, as if it owned the log alone
 * (a second instance recovering beside a live one rolls back what the first is about to commit).
 * Without a log it keeps nothing and recovers nothing.
 */
final class NaiveTccCoordinator implements Coordinator<TccTransaction> {
  private static final String PROTOCOL = "tcc";

  private final World world;
  private final @Nullable TransactionLog log;
  private final Map<String, TccParticipant> participants = new LinkedHashMap<>();

  NaiveTccCoordinator(World world, @Nullable TransactionLog log, List<TccParticipant> participants) {
    this.world = world;
    this.log = log;
    participants.forEach(p -> this.participants.put(p.name(), p));
  }

  @Override
  public void close() {
    // claims nothing: the planted bug is that it does not care who else uses the log
  }

  @Override
  public Outcome execute(TccTransaction transaction) {
    TransactionId tx = world.ids().next();
    long now = world.clock().millis();
    List<LogRecord> begin = new ArrayList<>();
    begin.add(new LogRecord.Begin(tx, PROTOCOL, now, now + 60_000));
    for (TccBranch b : transaction.branches()) {
      begin.add(new LogRecord.BranchRegistered(tx, b.id(), b.participant().name(), b.payload()));
    }
    append(begin);
    boolean tried = true;
    for (TccBranch b : transaction.branches()) {
      try {
        b.participant().tryReserve(context(tx, b.id(), b.payload(), now + 60_000));
      } catch (RuntimeException e) {
        tried = false;
      }
    }
    Decision decision = tried ? Decision.COMMIT : Decision.ROLLBACK;
    append(List.of(new LogRecord.Decided(tx, decision)));
    Map<BranchId, BranchState> states = new LinkedHashMap<>();
    for (TccBranch b : transaction.branches()) {
      states.put(b.id(), finish(decision, b.participant(), context(tx, b.id(), b.payload(), now + 60_000)));
    }
    append(List.of(new LogRecord.End(tx)));
    return outcome(tx, decision, states);
  }

  @Override
  public List<Outcome> recover() {
    if (log == null) {
      return List.of();
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (TransactionImage image : LogReplay.unfinished(log, PROTOCOL).values()) {
      Decision decision = image.decision();
      if (decision == null) {
        decision = Decision.ROLLBACK; // presumed abort: "nobody else is running it"
        append(List.of(new LogRecord.Decided(image.transactionId(), decision)));
      }
      Map<BranchId, BranchState> states = new LinkedHashMap<>();
      for (var branch : image.branches().values()) {
        TccContext ctx = context(image.transactionId(), branch.branchId(), branch.payload(), image.deadlineMillis());
        states.put(branch.branchId(), finish(decision, participants.get(branch.participant()), ctx));
      }
      append(List.of(new LogRecord.End(image.transactionId())));
      outcomes.add(outcome(image.transactionId(), decision, states));
    }
    return outcomes;
  }

  @Override
  public Optional<Decision> decisionFor(TransactionId transactionId) {
    return Optional.empty();
  }

  private static BranchState finish(Decision decision, TccParticipant participant, TccContext ctx) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      try {
        if (decision == Decision.COMMIT) {
          participant.confirm(ctx);
          return BranchState.COMMITTED;
        }
        participant.cancel(ctx);
        return BranchState.ROLLED_BACK;
      } catch (RuntimeException retry) {
        // phase two is retried until it is acknowledged
      }
    }
    return BranchState.IN_DOUBT;
  }

  private static Outcome outcome(TransactionId tx, Decision decision, Map<BranchId, BranchState> states) {
    if (states.containsValue(BranchState.IN_DOUBT)) {
      return new Outcome.InDoubt(tx, states, decision, null);
    }
    return decision == Decision.COMMIT
        ? new Outcome.Committed(tx, states)
        : new Outcome.RolledBack(tx, states, "a Try failed");
  }

  private static TccContext context(TransactionId tx, BranchId branch, byte[] payload, long deadline) {
    return new TccContext(tx, branch, payload, 1, Instant.ofEpochMilli(deadline));
  }

  private void append(List<LogRecord> records) {
    if (log != null) {
      log.append(records, true);
    }
  }
}
