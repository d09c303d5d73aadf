/**
 * Any {@link javax.transaction.xa.XAResource} as a 2PC participant: Xids made from Settle's
 * transaction and branch ids under Settle's own format id, and a recovery scan that resolves the
 * resource's in-doubt branches from the coordinator's log.
 */
@NullMarked
package dev.settle.twopc.xa;

import org.jspecify.annotations.NullMarked;
