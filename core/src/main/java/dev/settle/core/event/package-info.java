/**
 * Events published for every state change of a transaction and of its branches.
 */
@NullMarked
package dev.settle.core.event;

import org.jspecify.annotations.NullMarked;
