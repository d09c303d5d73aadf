package dev.settle.spring.boot;

import dev.settle.core.TransactionId;
import dev.settle.core.log.Explain;
import dev.settle.core.log.Explanation;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.jdbc.JdbcTransactionLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code settle} actuator endpoint (expose it with {@code
 * management.endpoints.web.exposure.include=settle}): {@code GET /actuator/settle} lists the
 * transactions the log holds that have not ended, each with its outcome so far and branches;
 * {@code GET /actuator/settle/{id}} explains one (null, so 404, if the log does not hold it).
 * Read-only, also on the shared JDBC log: there it lists every node's unfinished transactions (the
 * oldest {@value #LISTED}) and explains ended ones while the history keeps them, and claims
 * nothing (recovery does that).
 */
@Endpoint(id = "settle")
public final class SettleEndpoint {
  /** The most unfinished transactions one listing shows. */
  public static final int LISTED = 100;

  private final TransactionLog log;
  private final InDoubtTransactions inDoubt;

  /** An endpoint reading {@code log}. */
  public SettleEndpoint(TransactionLog log, InDoubtTransactions inDoubt) {
    this.log = log;
    this.inDoubt = inDoubt;
  }

  /** The unfinished transactions, oldest first. */
  @ReadOperation
  public Map<String, Object> unfinished() {
    List<Explanation> stories;
    if (log instanceof JdbcTransactionLog shared) {
      // Never replay(): on the shared log that claims dead peers' transactions.
      stories = new ArrayList<>();
      for (TransactionId tx : shared.unfinished(LISTED)) {
        Explain.of(shared.records(tx)).ifPresent(stories::add);
      }
    } else {
      stories = Explain.all(log);
    }
    List<Map<String, Object>> unfinished =
        stories.stream()
            .filter(e -> !e.outcome().equals("committed") && !e.outcome().equals("rolled-back"))
            .limit(LISTED)
            .map(this::describe)
            .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("unfinished", unfinished);
    body.put("inDoubt", inDoubt.inDoubt().size());
    return body;
  }

  /** One transaction's story, or null if the log does not hold it (or {@code id} is no transaction id). */
  @ReadOperation
  public @Nullable Map<String, Object> explain(@Selector String id) {
    TransactionId tx;
    try {
      tx = TransactionId.of(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
    Optional<Explanation> explanation =
        log instanceof JdbcTransactionLog shared ? Explain.of(shared.records(tx)) : Explain.of(log, tx);
    return explanation.map(this::describe).orElse(null);
  }

  private Map<String, Object> describe(Explanation e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transactionId", e.transactionId().value());
    m.put("protocol", e.protocol());
    m.put("node", e.node());
    m.put("began", Instant.ofEpochMilli(e.startMillis()).toString());
    m.put("outcome", e.outcome());
    m.put("decision", e.decision() == null ? null : e.decision().name().toLowerCase(java.util.Locale.ROOT));
    m.put("reason", e.reason());
    m.put("failedBranch", e.failedBranch() == null ? null : e.failedBranch().value());
    m.put("decided", e.decidedMillis() < 0 ? null : Instant.ofEpochMilli(e.decidedMillis()).toString());
    m.put("ended", e.endedMillis() < 0 ? null : Instant.ofEpochMilli(e.endedMillis()).toString());
    m.put("finishedBy", e.finishedBy().isEmpty() ? null : e.finishedBy());
    Instant since = inDoubt.inDoubt().get(e.transactionId());
    m.put("inDoubtSince", since == null ? null : since.toString());
    m.put(
        "branches",
        e.branches().stream()
            .map(
                b -> {
                  Map<String, Object> branch = new LinkedHashMap<>();
                  branch.put("id", b.id().value());
                  branch.put("participant", b.participant());
                  branch.put("state", b.state().name());
                  branch.put("updates", b.updates());
                  branch.put("failure", b.failure());
                  branch.put(
                      "history",
                      b.history().stream()
                          .map(u -> u.state().name() + (u.atMillis() < 0 ? "" : " at " + Instant.ofEpochMilli(u.atMillis())))
                          .toList());
                  return branch;
                })
            .toList());
    return m;
  }
}
