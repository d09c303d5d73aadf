/**
 * The {@code settle-examples} command line: {@code wallet} and {@code ledger}.
 */
@NullMarked
package dev.settle.examples.cli;

import org.jspecify.annotations.NullMarked;
