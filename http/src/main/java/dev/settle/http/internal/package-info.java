/** The HTTP module's implementation: the call engine, status mapping, the problem codec. Not API. */
@NullMarked
package dev.settle.http.internal;

import org.jspecify.annotations.NullMarked;
