package dev.settle.jdbc.internal;

import dev.settle.core.OwnershipLostException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The shared log's settings, checked by the builder and immutable from then on.
 *
 * @param dataSource where the tables are
 * @param node this instance's stable node name
 * @param lease how long a node's lease lasts after each renewal
 * @param heartbeat how often the lease is renewed (shorter than {@code lease})
 * @param claimBatch at most this many transactions are taken over per claim
 * @param retention how long ended transactions are kept
 * @param historyBatch at most this many ended transactions are deleted per cleanup
 * @param maxGroup at most this many appends share one database transaction
 * @param writerConnections at most this many groups are written at once, each on its own connection
 * @param dialect the database's dialect, or null to detect it
 * @param scheduler runs the heartbeat, or null for the log's own daemon thread
 * @param onOwnershipLost told of every write refused for lost ownership
 * @param databaseClock the SQL expression every lease, deadline and history time is read from
 */
public record LogConfig(
    DataSource dataSource,
    String node,
    Duration lease,
    Duration heartbeat,
    int claimBatch,
    Duration retention,
    int historyBatch,
    int maxGroup,
    int writerConnections,
    @Nullable Dialect dialect,
    @Nullable ScheduledExecutorService scheduler,
    Consumer<OwnershipLostException> onOwnershipLost,
    String databaseClock) {

  /** Tells the listener, logging and swallowing anything it throws: a listener never changes a write. */
  void ownershipLost(OwnershipLostException lost) {
    try {
      onOwnershipLost.accept(lost);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(LogConfig.class).warn("an ownership-lost listener failed", e);
    }
  }
}
