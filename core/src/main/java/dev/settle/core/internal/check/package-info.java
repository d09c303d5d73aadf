/**
 * Argument checks every package of core uses, the API's included. Depends on nothing in Settle, so
 * that it sits below every other package: core's packages form no cycle.
 */
@NullMarked
package dev.settle.core.internal.check;

import org.jspecify.annotations.NullMarked;
