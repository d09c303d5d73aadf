/**
 * The branch fence: the source's "cancel seen, try not seen" flag. Wrap a participant once and
 * every Try, Confirm and Cancel is checked against the branch's record, so that a Cancel that
 * overtakes its Try leaves no hanging reservation and repeated calls change nothing.
 */
@NullMarked
package dev.settle.tcc.fence;

import org.jspecify.annotations.NullMarked;
