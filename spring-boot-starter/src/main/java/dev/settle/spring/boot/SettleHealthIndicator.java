package dev.settle.spring.boot;

import dev.settle.core.TransactionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Settle's health: DOWN while some transaction has been in doubt (a branch has not acknowledged
 * the decision, or the log quarantined the transaction) for longer than {@code
 * settle.health.in-doubt-tolerance}, or while the last recovery pass failed (the log's database is
 * unreachable, say); UP otherwise. Recovery usually settles an in-doubt transaction within a few
 * intervals; one that stays needs an operator (the {@code settle} endpoint explains it). Details:
 * how many are in doubt, the oldest ones, the last recovery pass and its failure, and the recent
 * heuristic outcomes (shown, not held against health: they have ended, and nothing Settle does
 * will change them).
 */
public final class SettleHealthIndicator extends AbstractHealthIndicator {
  private static final int LISTED = 10;

  private final InDoubtTransactions inDoubt;
  private final SettleRecovery recovery;
  private final Duration tolerance;
  private final Clock clock;

  /** Health from {@code inDoubt}, DOWN past {@code tolerance}. */
  public SettleHealthIndicator(InDoubtTransactions inDoubt, SettleRecovery recovery, Duration tolerance, Clock clock) {
    super("Settle health check failed");
    this.inDoubt = inDoubt;
    this.recovery = recovery;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Instant now = clock.instant();
    Map<TransactionId, Instant> doubts = inDoubt.inDoubt();
    List<Map.Entry<TransactionId, Instant>> overdue =
        doubts.entrySet().stream()
            .filter(e -> Duration.between(e.getValue(), now).compareTo(tolerance) >= 0)
            .sorted(Map.Entry.comparingByValue())
            .toList();
    String failure = recovery.lastFailure();
    if (overdue.isEmpty() && failure == null) {
      builder.up();
    } else {
      builder.down();
    }
    if (failure != null) {
      builder.withDetail("lastRecoveryFailure", failure);
    }
    if (!overdue.isEmpty()) {
      builder.withDetail(
          "overdue",
          overdue.stream().limit(LISTED).map(e -> e.getKey().value() + " in doubt since " + e.getValue()).toList());
    }
    builder.withDetail("inDoubt", doubts.size());
    builder.withDetail("tolerance", tolerance.toString());
    Instant last = recovery.lastPass();
    builder.withDetail("lastRecoveryPass", last == null ? "none yet" : last.toString());
    List<TransactionId> heuristics = inDoubt.recentHeuristics();
    if (!heuristics.isEmpty()) {
      builder.withDetail("recentHeuristics", heuristics.stream().map(TransactionId::value).toList());
    }
  }
}
