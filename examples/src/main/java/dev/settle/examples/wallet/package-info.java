/**
 * The sharded wallet: accounts on several in-memory storage nodes, moved by 2PC, TCC or a saga, with
 * faults and crashes from the testkit.
 */
@NullMarked
package dev.settle.examples.wallet;

import org.jspecify.annotations.NullMarked;
