package dev.settle.core.internal;

import dev.settle.core.spi.Participant;
import org.jspecify.annotations.Nullable;

/**
 * Reads a participant's name once where it is registered or enlisted, so that a participant
 * whose {@link Participant#name()} returns null or blank is reported by who it is and where it was
 * used, instead of failing later, deep in a map or the log, as "NullPointerException: null".
 */
public final class ParticipantNames {
  private ParticipantNames() {}

  /**
   * Returns the participant's name.
   *
   * @param where how the participant is used, for the message ("branch debit")
   * @throws NullPointerException if the name is null
   * @throws IllegalArgumentException if the name is blank
   */
  public static String of(Participant participant, String where) {
    @Nullable String name = participant.name();
    if (name == null) {
      throw new NullPointerException(message(participant, where, "a null name"));
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          message(participant, where, "a blank name \"" + name + "\""));
    }
    return name;
  }

  private static String message(Participant participant, String where, String what) {
    // The name is what the log stores to find the participant again after a restart.
    return "participant " + participant + " (" + where + ") returned " + what
        + " from name(); it needs a non-blank name that stays the same across restarts";
  }
}
