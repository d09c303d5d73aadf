package dev.settle.testkit;

/**
 * A participant that can crash and come back, for the restart fault. {@link #restart()} must
 * drop whatever a real crash would lose (uncommitted work, state kept only in memory) and keep
 * what the participant persists.
 */
public interface Restartable {
  /** Crash and restart now. */
  void restart();
}
