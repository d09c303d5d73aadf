/** The 2PC coordinator's implementation. Not part of the API. */
@NullMarked
package dev.settle.twopc.internal;

import org.jspecify.annotations.NullMarked;
