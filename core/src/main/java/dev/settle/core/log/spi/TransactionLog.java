package dev.settle.core.log.spi;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a coordinator keeps its records: the SPI behind the in-memory log, the durable file log
 * and a shared JDBC log. Implementations must be safe for concurrent appends and must keep each
 * transaction's records in the order they were appended.
 *
 * <p><b>Thread safety.</b> One log object is shared by every thread of the coordinators built
 * on it, so implementations must be thread-safe: appends, replays, claims and decision reads may
 * come from many threads at once.
 */
public interface TransactionLog extends AutoCloseable {
  /**
   * Appends records in order.
   *
   * @param records the records, in order
   * @param force when true, returns only once these records and every one appended before them
   *     are durable; when false they may be buffered and lost in a crash
   * @throws dev.settle.core.TransactionLogException if the records could not be stored; a
   *     coordinator that sees this must not act on what it tried to write
   */
  void append(List<LogRecord> records, boolean force);

  /** Appends one record; see {@link #append(List, boolean)}. */
  default void append(LogRecord record, boolean force) {
    append(List.of(record), force);
  }

  /**
   * Hands every record still held to {@code sink}, in append order. Records of ended transactions
   * may have been compacted away; records of unfinished ones never are.
   */
  void replay(Consumer<LogRecord> sink);

  /**
   * Hands every record the log still keeps to {@code sink}, oldest first: those {@link #replay}
   * gives, and before them the records of ended transactions that a history retention keeps (the
   * file log's {@code historyRetention}), so that they can be explained after the fact. A
   * transaction may appear more than once (its records carried from one segment to the next); its
   * last Begin starts its complete story. For reading, never for recovery. The default is {@link
   * #replay}.
   */
  default void replayHistory(Consumer<LogRecord> sink) {
    replay(sink);
  }

  /**
   * Claims this log for one coordinator of {@code protocol}; every coordinator does this when it is
   * built. A log serves one coordinator per protocol: two coordinators of a protocol on one log
   * would each take the other's running transactions for crashed ones, recover them, and log a
   * second, contradicting decision. Coordinators of different protocols may share a log, since
   * each recovers only its own protocol's transactions.
   *
   * <p>The default keeps the claims of every log object in this process and refuses a second one;
   * claims are not persisted, since a process that opens a log anew (after a crash) is its only
   * user. A log built to be shared by several coordinator instances (each write fenced by node and
   * epoch, as a shared database log does) overrides this to hand out a claim per instance.
   *
   * @param protocol the protocol of the claiming coordinator
   * @param owner who claims, for the message another claimant gets
   * @return the claim, held for the coordinator's life
   * @throws dev.settle.core.LogClaimedException if another coordinator of {@code protocol} holds
   *     this log
   */
  default LogClaim claim(String protocol, String owner) {
    return LogClaims.claim(this, protocol, owner);
  }

  /**
   * Whether {@link #replay} shows every transaction this log holds. A shared log replays only the
   * transactions its instance owns, so it says false and answers {@link #decision} itself: a
   * decision looked up by folding its replay would miss other nodes' transactions and read as
   * "none logged", which under presumed abort is a false roll back.
   */
  default boolean replaysEveryTransaction() {
    return true;
  }

  /**
   * The decision stored for {@code transactionId}, whoever wrote it; empty when none is stored.
   * Asked only of logs whose {@link #replaysEveryTransaction()} is false; others are read by
   * folding {@link #replay}.
   *
   * @throws UnsupportedOperationException from logs that answer through {@link #replay}
   */
  default Optional<Decision> decision(TransactionId transactionId) {
    throw new UnsupportedOperationException(
        getClass().getName() + " replays every transaction; fold its replay instead");
  }

  /** Releases files, locks and threads; further appends fail. */
  @Override
  void close();
}
