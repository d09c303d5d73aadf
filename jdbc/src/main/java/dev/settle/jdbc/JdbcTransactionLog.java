package dev.settle.jdbc;

import dev.settle.core.OwnershipLostException;
import dev.settle.core.Decision;
import dev.settle.core.LogClaimedException;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import dev.settle.core.log.spi.LogClaim;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.jdbc.internal.Dialect;
import dev.settle.jdbc.internal.Heartbeat;
import dev.settle.jdbc.internal.History;
import dev.settle.jdbc.internal.LogConfig;
import dev.settle.jdbc.internal.Node;
import dev.settle.jdbc.internal.Schema;
import dev.settle.jdbc.internal.Takeover;
import dev.settle.jdbc.internal.Writer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A transaction log shared by several coordinator instances (nodes) through one relational
 * database: PostgreSQL, the reference, or H2. Each instance opens the log under a stable node
 * name and gets a new epoch; every transaction is owned by the (node, epoch) that began it, and
 * every write is a database transaction whose first statement is conditional on that ownership,
 * so a node that lost a transaction can write nothing more for it ({@link
 * OwnershipLostException}). The decision column takes one decision per transaction, by a
 * conditional write, so two decisions are impossible whatever the nodes do ({@link
 * ConflictingDecisionException}).
 *
 * <p><b>Leases and takeover.</b> A heartbeat renews the node's lease, judged by the database
 * clock only. {@link #replay}, what recovery reads, first claims a bounded batch of unfinished
 * transactions of the protocols this instance serves whose owner's lease ran out (or whose owner
 * was superseded), then returns the records of the unfinished transactions this instance owns,
 * and nothing else: a coordinator recovers its own and the dead nodes' transactions, never a live
 * peer's. {@link #close} releases the lease, so peers take over at once.
 *
 * <p><b>Claims.</b> One coordinator per protocol per instance ({@link #claim}); several instances
 * share the database, each with its own node name. Opening a second instance under a node name
 * that is in use bumps the epoch and fences the first: its transactions move to the new epoch and
 * its every later write is refused.
 *
 * <p><b>Group commit.</b> Appends from many threads share database transactions, and several
 * such groups are written at once on their own connections ({@link Builder#writerConnections});
 * every append, forced or not, returns once stored, because the ownership check must answer
 * before the caller reports an outcome.
 *
 * <pre>{@code
 * try (JdbcTransactionLog log = JdbcTransactionLog.builder(dataSource, "orders-1").open()) {
 *   TccCoordinator coordinator = TccCoordinator.builder().log(log).build();
 *   coordinator.recover(); // its own unfinished transactions, and dead nodes'
 * }
 * }</pre>
 *
 * <p><b>Thread safety.</b> Thread-safe: one instance serves every coordinator and thread of
 * its node; several nodes (processes) share the database, each with its own instance.
 */
public final class JdbcTransactionLog implements TransactionLog {
  /** The schema version this release reads; see the schema files for the upgrade rules. */
  public static final int SCHEMA_VERSION = Schema.VERSION;

  /** Groups of appends written at once unless {@link Builder#writerConnections} says otherwise. */
  public static final int DEFAULT_WRITER_CONNECTIONS = 4;

  /** The most writer connections a log may use. */
  public static final int MAX_WRITER_CONNECTIONS = 64;

  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final LogConfig config;
  private final Node node;
  private final Writer writer;
  private final Takeover takeover;
  private final History history;
  private final Schema schema;
  private final Heartbeat heartbeat;
  private final Map<String, Claim> claims = new LinkedHashMap<>();
  private volatile boolean closed;

  private JdbcTransactionLog(LogConfig config) {
    this.config = config;
    Schema.Opened opened = Schema.open(config);
    this.schema = opened.schema();
    this.node = opened.node();
    this.writer = new Writer(config, schema.sql(), node);
    this.takeover = new Takeover(config, schema.sql(), node);
    this.history = new History(config, schema.sql());
    this.heartbeat = new Heartbeat(config, node, history);
  }

  /**
   * A builder for a log in {@code dataSource}'s database under {@code nodeName}.
   *
   * @param dataSource the database holding the log's tables (create them from {@link #schema})
   * @param nodeName this instance's name: stable across restarts, different for every instance
   *     running at once; 1 to 64 letters, digits and {@code . _ : -}
   */
  public static Builder builder(DataSource dataSource, String nodeName) {
    return new Builder(dataSource, nodeName);
  }

  /**
   * The DDL of the log's tables for {@code "postgresql"} or {@code "h2"}; every statement may be
   * run again safely.
   *
   * @throws IllegalArgumentException for any other database name
   */
  public static String schema(String database) {
    return Schema.text(requireDialect(database));
  }

  /** {@link #schema} split into statements, for {@link java.sql.Statement#execute} one by one. */
  public static List<String> schemaStatements(String database) {
    return Schema.statements(requireDialect(database));
  }

  /**
   * Creates the log's tables in {@code dataSource}'s database if they are missing, detecting the
   * database from its JDBC metadata.
   *
   * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
   * @throws TransactionLogException if the statements fail
   */
  public static void createSchema(DataSource dataSource) {
    Schema.create(requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The script that takes the tables of {@code "postgresql"} or {@code "h2"} from schema version
   * {@code from} to the next; every statement may be run again safely. Apply the scripts in order
   * while no instance runs.
   *
   * @throws IllegalArgumentException for another database name
   * @throws IllegalStateException if there is no such script ({@code from} is not below {@link
   *     #SCHEMA_VERSION})
   */
  public static String upgradeScript(String database, int from) {
    return Schema.upgradeText(requireDialect(database), from);
  }

  /**
   * Brings the log's tables in {@code dataSource}'s database to {@link #SCHEMA_VERSION} with the
   * upgrade scripts, detecting the database from its JDBC metadata; run it while no instance
   * runs. Unfinished transactions are kept and recover as they were.
   *
   * @return the version the tables were at
   * @throws TransactionLogException if the tables are missing, newer than this release, or a
   *     statement fails
   */
  public static int upgradeSchema(DataSource dataSource) {
    return Schema.upgrade(requireNonNull(dataSource, "dataSource"));
  }

  private static Dialect requireDialect(@Nullable String database) {
    return Dialect.named(requireNonNull(database, "database"));
  }

  @Override
  public void append(List<LogRecord> records, boolean force) {
    requireNonNull(records, "records");
    checkOpen();
    writer.append(records);
  }

  /**
   * Claims a batch of dead nodes' unfinished transactions of the protocols claimed on this
   * instance, then hands {@code sink} the records of every unfinished transaction this instance
   * owns (ended transactions are not replayed: their decisions are in {@link #decision}).
   *
   * @throws OwnershipLostException if a newer instance opened under this node name
   */
  @Override
  public void replay(Consumer<LogRecord> sink) {
    requireNonNull(sink, "sink");
    checkOpen();
    takeover.claim(claimedProtocols());
    takeover.replayOwned(sink);
  }

  /**
   * Claims this instance for one coordinator of {@code protocol}. Other instances (other nodes)
   * on the same database have claims of their own; ownership of each transaction, fenced in the
   * database, keeps their coordinators apart.
   *
   * @throws LogClaimedException if a coordinator of {@code protocol} already uses this instance
   */
  @Override
  public LogClaim claim(String protocol, String owner) {
    requireNonNull(protocol, "protocol");
    requireNonNull(owner, "owner");
    synchronized (claims) {
      Claim holder = claims.get(protocol);
      if (holder != null) {
        throw new LogClaimedException(
            "the shared log instance of node " + config.node() + " already serves a " + protocol
                + " coordinator (" + holder.owner + "); each instance serves one coordinator per"
                + " protocol. Run another coordinator on its own instance with its own node name.");
      }
      Claim claim = new Claim(protocol, owner);
      claims.put(protocol, claim);
      return claim;
    }
  }

  private Set<String> claimedProtocols() {
    synchronized (claims) {
      return new LinkedHashSet<>(claims.keySet());
    }
  }

  /** False: {@link #replay} shows only the unfinished transactions this instance owns. */
  @Override
  public boolean replaysEveryTransaction() {
    return false;
  }

  /**
   * The decision stored for {@code tx}, ended or not, owned by any node, while the history keeps
   * it; empty when none is stored (or the transaction is unknown). Coordinators answer {@code
   * decisionFor} from this, so a transaction another node owns or that ended is told truly.
   */
  @Override
  public Optional<Decision> decision(TransactionId tx) {
    requireNonNull(tx, "tx");
    return schema.decision(config, tx);
  }

  /**
   * Every stored record of {@code tx}, in order, ended or not, owned by any node, while the
   * history keeps it: for explaining a transaction after the fact.
   *
   * @throws dev.settle.core.CorruptLogException if a record cannot be decoded, or the records do not
   *     add up to what the transaction's row counts
   */
  public List<LogRecord> records(TransactionId tx) {
    requireNonNull(tx, "tx");
    return schema.records(config, tx);
  }

  /**
   * Up to {@code limit} unfinished transactions in the shared log, every node's, oldest first.
   * Unlike {@link #replay}, this claims nothing: for looking, not for recovering. Read each one's
   * story with {@link #records}.
   *
   * @throws IllegalArgumentException unless {@code limit} is positive
   */
  public List<TransactionId> unfinished(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    return schema.unfinished(config, limit);
  }

  /** This instance's node name. */
  public String node() {
    return node.name();
  }

  /** The epoch this instance got when it opened. */
  public long epoch() {
    return node.epoch();
  }

  /** Renews the lease now (the heartbeat does this on its own). */
  public void renewLease() {
    checkOpen();
    node.renewNow();
  }

  /**
   * Deletes one batch of transactions that ended longer than the retention ago; the heartbeat
   * does this on its own, a few batches per beat.
   *
   * @return how many were deleted
   */
  public int purgeHistory() {
    checkOpen();
    return history.purgeOnce();
  }

  /** Database transactions committed by appends so far (one per group). */
  public long commits() {
    return writer.stats()[0];
  }

  /** Appends stored so far; divided by {@link #commits()}, the mean group size. */
  public long appendsStored() {
    return writer.stats()[1];
  }

  /**
   * The most groups of appends that were being written at once so far, each on its own
   * connection: at most {@link Builder#writerConnections}.
   */
  public int mostGroupsInFlight() {
    return writer.mostGroupsInFlight();
  }

  /**
   * Stops the heartbeat, lets the groups being written finish, and releases the lease so that
   * peers may take over this node's unfinished transactions at once. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.stop();
    writer.close();
    if (!node.superseded()) {
      node.release();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new TransactionLogException("the shared log of node " + config.node() + " is closed", null);
    }
  }

  @Override
  public String toString() {
    return "JdbcTransactionLog[node " + node.name() + ", epoch " + node.epoch() + "]";
  }

  private static <T> T requireNonNull(@Nullable T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /** One coordinator's claim on this instance. */
  private final class Claim implements LogClaim {
    private final String protocol;
    private final String owner;

    Claim(String protocol, String owner) {
      this.protocol = protocol;
      this.owner = owner;
    }

    @Override
    public String protocol() {
      return protocol;
    }

    @Override
    public String owner() {
      return owner;
    }

    @Override
    public void release() {
      synchronized (claims) {
        claims.remove(protocol, this); // this claim only: releasing twice never frees a successor's
      }
    }
  }

  /** Builds a {@link JdbcTransactionLog}; every setting is checked when it is given. */
  public static final class Builder {
    private final DataSource dataSource;
    private final String node;
    private Duration lease = Duration.ofSeconds(30);
    private Duration heartbeat = Duration.ofSeconds(10);
    private int claimBatch = 100;
    private Duration retention = Duration.ofDays(7);
    private int historyBatch = 500;
    private int maxGroup = 256;
    private int writerConnections = DEFAULT_WRITER_CONNECTIONS;
    private @Nullable Dialect dialect;
    private @Nullable ScheduledExecutorService scheduler;
    private Consumer<OwnershipLostException> onOwnershipLost = lost -> {};
    private String databaseClock = "CURRENT_TIMESTAMP";

    private Builder(@Nullable DataSource dataSource, @Nullable String node) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
      String name = requireNonNull(node, "nodeName");
      if (!NODE.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "nodeName must be 1 to 64 letters, digits and . _ : - (stable across restarts, unique"
                + " among running instances), was \"" + name + "\"");
      }
      this.node = name;
    }

    /**
     * How long a node's lease lasts after each renewal (default 30 s, at least 100 ms). After a
     * crash, peers take over once it runs out; a pause longer than this loses the node's
     * transactions to peers.
     */
    public Builder leaseDuration(Duration lease) {
      this.lease = atLeast(lease, Duration.ofMillis(100), "leaseDuration");
      return this;
    }

    /** How often the heartbeat renews the lease (default 10 s); must be shorter than the lease. */
    public Builder heartbeatInterval(Duration interval) {
      this.heartbeat = atLeast(interval, Duration.ofMillis(10), "heartbeatInterval");
      return this;
    }

    /** At most this many transactions are taken over per {@link #replay} (default 100). */
    public Builder claimBatchSize(int size) {
      this.claimBatch = positive(size, "claimBatchSize");
      return this;
    }

    /** How long ended transactions are kept (default 7 days; zero deletes them at the next purge). */
    public Builder historyRetention(Duration retention) {
      requireNonNull(retention, "historyRetention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException("historyRetention must not be negative, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /** At most this many ended transactions are deleted per purge (default 500). */
    public Builder historyBatchSize(int size) {
      this.historyBatch = positive(size, "historyBatchSize");
      return this;
    }

    /** At most this many appends share one database transaction (default 256). */
    public Builder maxGroupSize(int size) {
      this.maxGroup = positive(size, "maxGroupSize");
      return this;
    }

    /**
     * At most this many groups of appends are written at once, each in its own database
     * transaction on its own connection (default {@value #DEFAULT_WRITER_CONNECTIONS}, 1 to
     * {@value #MAX_WRITER_CONNECTIONS}): while earlier groups wait for their commits, the next
     * group forms and is written. The connections come from the data source as they are first
     * needed and are kept while the log is open, so size a pool for them plus the heartbeat, the
     * claims and reads (a single thread's appends use one). 1 writes one group at a time.
     */
    public Builder writerConnections(int connections) {
      if (connections < 1 || connections > MAX_WRITER_CONNECTIONS) {
        throw new IllegalArgumentException(
            "writerConnections must be 1 to " + MAX_WRITER_CONNECTIONS
                + " (groups written at once, each on its own connection from the data source), was "
                + connections);
      }
      this.writerConnections = connections;
      return this;
    }

    /**
     * The database, {@code "postgresql"} or {@code "h2"}; by default detected from the JDBC
     * metadata.
     */
    public Builder database(String database) {
      this.dialect = requireDialect(database);
      return this;
    }

    /**
     * Runs the heartbeat on {@code scheduler} (not shut down by {@link #close}) instead of the
     * log's own daemon thread.
     */
    public Builder heartbeatScheduler(ScheduledExecutorService scheduler) {
      this.scheduler = requireNonNull(scheduler, "heartbeatScheduler");
      return this;
    }

    /**
     * Tells {@code listener} of every write refused because this instance lost the transaction
     * (with {@link OwnershipLostException#lostTransaction()}) and, once, of this instance being
     * superseded (with none): for metrics and alerts, beside the WARN line each gets. Called on
     * the thread that found out (often the group-commit leader), so keep it quick; what it throws
     * is logged and ignored.
     */
    public Builder onOwnershipLost(Consumer<OwnershipLostException> listener) {
      this.onOwnershipLost = requireNonNull(listener, "onOwnershipLost");
      return this;
    }

    /**
     * The SQL expression the log reads the database clock from (default {@code
     * CURRENT_TIMESTAMP}): every lease end, claim and history time is computed from it, in the
     * database, never from the JVM's clock. It must give a timestamp with time zone. On PostgreSQL,
     * {@code clock_timestamp()} reads the time of each statement instead of the start of its
     * transaction; a test may point it at a function of its own to run the log on simulated time
     * (the testkit's {@code SharedLogSimulation} does). It is inserted into the log's statements
     * as it is, so it must come from configuration, never from user input.
     *
     * @throws IllegalArgumentException if it is blank or holds a {@code ;}
     */
    public Builder databaseClock(String sqlExpression) {
      String expression = requireNonNull(sqlExpression, "databaseClock").strip();
      if (expression.isEmpty() || expression.indexOf(';') >= 0) {
        throw new IllegalArgumentException(
            "databaseClock must be one SQL expression such as CURRENT_TIMESTAMP or clock_timestamp(),"
                + " was \"" + sqlExpression + "\"");
      }
      this.databaseClock = expression;
      return this;
    }

    /**
     * Opens the log: checks the schema version, registers the node with a new epoch and a fresh
     * lease, and starts the heartbeat.
     *
     * @throws IllegalArgumentException if the heartbeat is not shorter than the lease
     * @throws TransactionLogException if the database cannot be reached, its tables are missing
     *     or at another schema version
     */
    public JdbcTransactionLog open() {
      if (heartbeat.compareTo(lease) >= 0) {
        throw new IllegalArgumentException(
            "heartbeatInterval (" + heartbeat + ") must be shorter than leaseDuration (" + lease
                + "), or the lease runs out between renewals");
      }
      return new JdbcTransactionLog(
          new LogConfig(
              dataSource, node, lease, heartbeat, claimBatch, retention, historyBatch, maxGroup,
              writerConnections,
              dialect, scheduler, onOwnershipLost, databaseClock));
    }

    private static Duration atLeast(@Nullable Duration value, Duration min, String name) {
      Duration d = requireNonNull(value, name);
      if (d.compareTo(min) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", was " + d);
      }
      return d;
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, was " + value);
      }
      return value;
    }
  }
}
