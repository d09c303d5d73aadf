package dev.settle.jdbc.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

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
 * @param dialect the database's dialect, or null to detect it
 * @param scheduler runs the heartbeat, or null for the log's own daemon thread
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
    @Nullable Dialect dialect,
    @Nullable ScheduledExecutorService scheduler) {}
