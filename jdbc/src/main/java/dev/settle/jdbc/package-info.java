/**
 * The shared JDBC transaction log: start at {@link dev.settle.jdbc.JdbcTransactionLog}. Ownership
 * lost to another node is reported by {@link dev.settle.core.OwnershipLostException}.
 */
@NullMarked
package dev.settle.jdbc;

import org.jspecify.annotations.NullMarked;
