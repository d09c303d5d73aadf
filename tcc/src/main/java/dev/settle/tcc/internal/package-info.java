/** The TCC coordinator's implementation. Not part of the API. */
@NullMarked
package dev.settle.tcc.internal;

import org.jspecify.annotations.NullMarked;
