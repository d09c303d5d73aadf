/** How the starter wires Settle into Spring; not an API. */
@NullMarked
package dev.settle.spring.boot.internal;

import org.jspecify.annotations.NullMarked;
