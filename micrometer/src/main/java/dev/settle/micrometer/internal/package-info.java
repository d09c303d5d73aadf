/** The meters' implementation: the metered coordinator, listener and log. Not API. */
@NullMarked
package dev.settle.micrometer.internal;

import org.jspecify.annotations.NullMarked;
