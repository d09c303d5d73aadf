/**
 * The log's binary record format, shared by the file log and the JDBC log. Not part of the API:
 * exported only to Settle's own modules, and free to change between versions as long as what old
 * logs hold still reads the same.
 */
@NullMarked
package dev.settle.core.log.internal;

import org.jspecify.annotations.NullMarked;
