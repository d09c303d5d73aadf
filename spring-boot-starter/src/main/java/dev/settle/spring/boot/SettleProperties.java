package dev.settle.spring.boot;

import java.nio.file.Path;
import dev.settle.core.RetryPolicy;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settle's configuration under {@code settle.*}. Immutable; every value is checked when the
 * application starts, so a bad one stops it with the property's name in the message.
 *
 * @param enabled whether the starter configures anything at all
 * @param nodeName this instance's name, unique per replica and kept across its restarts: the JDBC
 *     log's node and the name written into every XA branch id (at most 16 letters, digits, '.',
 *     '_', ':' or '-'). Required with {@code settle.log.type=jdbc}, where two replicas under one
 *     name would fence each other; {@value #DEFAULT_NODE_NAME} otherwise.
 * @param callTimeout how long one participant call may take before its outcome counts as unknown
 * @param log where the coordinators write their decisions
 * @param tcc the TCC coordinator's timeouts
 * @param retry how phase-two calls are retried before a transaction is left in doubt
 * @param recovery when unfinished transactions are driven to their end
 * @param fence the JDBC fence used by {@link TransactionalTccParticipant}s
 * @param health when the health indicator reports DOWN
 */
@ConfigurationProperties("settle")
public record SettleProperties(
    @DefaultValue("true") boolean enabled,
    @Nullable String nodeName,
    @DefaultValue("10s") Duration callTimeout,
    @DefaultValue Log log,
    @DefaultValue Tcc tcc,
    @DefaultValue Retry retry,
    @DefaultValue Recovery recovery,
    @DefaultValue Fence fence,
    @DefaultValue Health health) {

  /** The node name when {@code settle.node-name} is not set (and the log is not the JDBC log). */
  public static final String DEFAULT_NODE_NAME = "settle";

  /** Checks every value. */
  public SettleProperties {
    String name = nodeName;
    if (name != null) {
      named("settle.node-name", () -> dev.settle.tcc.TccCoordinator.builder().nodeName(name));
    }
    positive(callTimeout, "settle.call-timeout");
  }

  /** {@code settle.node-name}, or {@value #DEFAULT_NODE_NAME} when it is not set. */
  public String nodeNameOrDefault() {
    return nodeName == null ? DEFAULT_NODE_NAME : nodeName;
  }

  /** Which transaction log the coordinators share. */
  public enum LogType {
    /** Files in {@code settle.log.dir} on this machine's disk: the default. */
    FILE,
    /**
     * The shared log in the application's {@code DataSource} (PostgreSQL or H2): replicas take
     * over each other's unfinished transactions.
     */
    JDBC,
    /** Memory only, lost on restart: for tests. */
    MEMORY
  }

  /**
   * The transaction log.
   *
   * @param type file (default), jdbc or memory
   * @param dir the file log's directory, created if missing; relative paths are resolved against
   *     the working directory, so give an absolute one in production (a restart from another
   *     directory would not find the transactions left in doubt)
   * @param createSchema whether the JDBC log creates its tables at start-up (off: ship the schema
   *     with your migrations, see {@code JdbcTransactionLog.schema})
   * @param lease the JDBC log's lease: a replica silent this long loses its transactions to peers
   *     (at least 1s; the heartbeat renews it every third of it)
   */
  public record Log(
      @DefaultValue("file") LogType type,
      @DefaultValue("settle-log") Path dir,
      @DefaultValue("false") boolean createSchema,
      @DefaultValue("30s") Duration lease) {
    /** Checks every value. */
    public Log {
      if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("settle.log.lease must be at least 1s, was " + lease);
      }
    }
  }

  /**
   * The TCC coordinator.
   *
   * @param tryTimeout how long the Tries may take together
   * @param transactionTimeout a transaction's deadline, carried to every Try (the fence refuses a
   *     later one)
   */
  public record Tcc(
      @DefaultValue("5s") Duration tryTimeout, @DefaultValue("30s") Duration transactionTimeout) {
    /** Checks every value. */
    public Tcc {
      positive(tryTimeout, "settle.tcc.try-timeout");
      positive(transactionTimeout, "settle.tcc.transaction-timeout");
    }
  }

  /**
   * Phase-two retries (Confirm, Cancel, Commit, Rollback, compensations).
   *
   * @param maxAttempts attempts per call, at least 1
   * @param initialBackoff the first pause between attempts
   * @param maxBackoff the longest pause
   * @param maxDuration how long one call is retried in all
   */
  public record Retry(
      @DefaultValue("8") int maxAttempts,
      @DefaultValue("10ms") Duration initialBackoff,
      @DefaultValue("1s") Duration maxBackoff,
      @DefaultValue("30s") Duration maxDuration) {
    /** Checks every value. */
    public Retry {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("settle.retry.max-attempts must be at least 1, was " + maxAttempts);
      }
      positive(maxDuration, "settle.retry.max-duration");
      Duration initial = initialBackoff;
      Duration max = maxBackoff;
      named("settle.retry.initial-backoff and max-backoff", () -> RetryPolicy.builder().backoff(initial, max));
    }
  }

  /**
   * Recovery.
   *
   * @param onStartup whether every coordinator recovers once when the application starts
   * @param interval how often to recover afterwards, from 100ms to 1d; zero turns the schedule off
   */
  public record Recovery(
      @DefaultValue("true") boolean onStartup, @DefaultValue("30s") Duration interval) {
    /** Checks every value. */
    public Recovery {
      if (!interval.isZero()
          && (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0)) {
        throw new IllegalArgumentException(
            "settle.recovery.interval must be 0s (no schedule) or from 100ms to 1d, was " + interval);
      }
    }
  }

  /**
   * The JDBC fence.
   *
   * @param table the fence table's name
   * @param createSchema whether the fence table is created at start-up when missing
   */
  public record Fence(
      @DefaultValue("settle_tcc_fence") String table, @DefaultValue("false") boolean createSchema) {
    /** Checks every value. */
    public Fence {
      String t = table;
      named("settle.fence.table", () -> dev.settle.tcc.fence.JdbcTccFence.builder().table(t));
    }
  }

  /**
   * The health indicator.
   *
   * @param inDoubtTolerance how long a transaction may stay in doubt (or parked on a heuristic
   *     hazard) before the indicator reports DOWN; recovery usually settles it sooner
   */
  public record Health(@DefaultValue("1m") Duration inDoubtTolerance) {
    /** Checks every value. */
    public Health {
      if (inDoubtTolerance.isNegative()) {
        throw new IllegalArgumentException(
            "settle.health.in-doubt-tolerance must not be negative, was " + inDoubtTolerance);
      }
    }
  }

  /**
   * Runs the library's own check of a value (the builder that will receive it), so that the rule
   * lives in one place, and names the property in what it throws.
   */
  private static void named(String property, Runnable libraryCheck) {
    try {
      libraryCheck.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage()); // the library's message says it all
    }
  }

  private static void positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
