/**
 * The wallet on real files: each shard an H2 file database (2PC through H2's XA, TCC with the JDBC
 * fence, saga steps as local transactions behind the same fence used as a barrier) and the
 * coordinator log a {@link dev.settle.core.log.FileTransactionLog}, so a killed process can be
 * recovered from what it left on disk.
 */
@NullMarked
package dev.settle.examples.files;

import org.jspecify.annotations.NullMarked;
