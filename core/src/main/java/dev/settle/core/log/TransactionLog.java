package dev.settle.core.log;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a coordinator keeps its records: the SPI behind the in-memory log, the durable file log
 * and a shared JDBC log. Implementations must be safe for concurrent appends and must keep each
 * transaction's records in the order they were appended.
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

  /** Releases files, locks and threads; further appends fail. */
  @Override
  void close();
}
