/**
 * Implementation shared by the protocol modules. Not part of the API: the module exports it only
 * to {@code dev.settle.twopc}, {@code dev.settle.tcc} and {@code dev.settle.saga}.
 */
@NullMarked
package dev.settle.core.internal;

import org.jspecify.annotations.NullMarked;
