/**
 * Try-Confirm/Cancel (TCC): reserve on every branch in parallel (Try), then Confirm everywhere if
 * all Tries succeeded or Cancel everywhere otherwise. Start at {@link dev.settle.tcc.TccCoordinator}.
 */
@NullMarked
package dev.settle.tcc;

import org.jspecify.annotations.NullMarked;
