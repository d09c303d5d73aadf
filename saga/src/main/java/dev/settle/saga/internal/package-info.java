/** The saga orchestrator's implementation. Not part of the API. */
@NullMarked
package dev.settle.saga.internal;

import org.jspecify.annotations.NullMarked;
