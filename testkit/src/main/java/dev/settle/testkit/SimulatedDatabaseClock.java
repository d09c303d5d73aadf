package dev.settle.testkit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The database clock of a {@link SharedLogSimulation}: an H2 function ({@value #FUNCTION}) that
 * the simulated database calls wherever the shared log reads the time, answering from the run's
 * virtual time instead of the machine's. Each simulation registers its clock under a key of its
 * own (the key is the function's argument, baked into the log's {@code databaseClock}
 * expression), so simulations running side by side never share a clock. Public only so that the
 * database can call {@link #now}.
 */
public final class SimulatedDatabaseClock {
  /** The SQL name of the function. */
  static final String FUNCTION = "SETTLE_SIM_NOW";

  private static final Map<String, LongSupplier> CLOCKS = new ConcurrentHashMap<>();

  private SimulatedDatabaseClock() {}

  /** Lets the database read {@code key}'s time, in milliseconds since the epoch, from {@code millis}. */
  static void register(String key, LongSupplier millis) {
    if (CLOCKS.putIfAbsent(key, millis) != null) {
      throw new IllegalStateException("a simulated database clock is already registered as " + key);
    }
  }

  /** Forgets {@code key}'s clock, at the end of its run. */
  static void unregister(String key) {
    CLOCKS.remove(key);
  }

  /** The statement that declares the function in an H2 database. */
  static String declaration() {
    return "CREATE ALIAS IF NOT EXISTS " + FUNCTION + " FOR '" + SimulatedDatabaseClock.class.getName() + ".now'";
  }

  /** The SQL expression reading {@code key}'s clock, for the log's {@code databaseClock}. */
  static String expression(String key) {
    return FUNCTION + "('" + key + "')";
  }

  /**
   * The time of the simulated database registered as {@code key}; called by the database.
   *
   * @throws IllegalStateException if no such clock is registered (its run has ended)
   */
  public static OffsetDateTime now(String key) {
    LongSupplier clock = CLOCKS.get(key);
    if (clock == null) {
      throw new IllegalStateException("no simulated database clock is registered as " + key);
    }
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.getAsLong()), ZoneOffset.UTC);
  }
}
