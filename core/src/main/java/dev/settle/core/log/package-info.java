/**
 * The coordinator's transaction log: typed records, their stable binary encoding, the storage SPI,
 * an in-memory store and the replay that rebuilds unfinished transactions. This is where the rule
 * "durable decision first" is kept.
 */
@NullMarked
package dev.settle.core.log;

import org.jspecify.annotations.NullMarked;
