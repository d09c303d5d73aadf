/**
 * What a store for the coordinator's log implements: {@link
 * dev.settle.core.log.spi.TransactionLog}, the {@link dev.settle.core.log.spi.LogRecord}s it keeps
 * and the {@link dev.settle.core.log.spi.LogClaim} that makes one coordinator its only writer;
 * {@link dev.settle.core.log.spi.ForwardingTransactionLog} for a store that wraps another. The
 * stores Settle ships (file, in memory, JDBC) live in {@code dev.settle.core.log} and {@code
 * dev.settle.jdbc}.
 */
@NullMarked
package dev.settle.core.log.spi;

import org.jspecify.annotations.NullMarked;
