/** The shared JDBC log's machinery: SQL per dialect, group commit, leases, takeover, history. */
@NullMarked
package dev.settle.jdbc.internal;

import org.jspecify.annotations.NullMarked;
