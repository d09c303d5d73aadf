package dev.settle.micrometer.internal;

import dev.settle.core.Outcome;
import java.util.Locale;

/** The outcome and cause tag values, the same for meters and observations. */
final class OutcomeTags {
  private OutcomeTags() {}

  /** {@code committed}, {@code rolled_back}, {@code mixed} or {@code in_doubt}. */
  static String outcome(Outcome outcome) {
    if (outcome instanceof Outcome.Committed) {
      return "committed";
    }
    if (outcome instanceof Outcome.RolledBack) {
      return "rolled_back";
    }
    return outcome instanceof Outcome.Mixed ? "mixed" : "in_doubt";
  }

  /** The outcome's failure kind in lower case, or {@code none}. */
  static String cause(Outcome outcome) {
    return outcome.failureKind().map(k -> k.name().toLowerCase(Locale.ROOT)).orElse("none");
  }
}
