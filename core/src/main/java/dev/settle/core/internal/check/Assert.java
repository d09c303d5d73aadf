package dev.settle.core.internal.check;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The one place where arguments are checked. Every message names the argument, so a caller who
 * passes a bad value learns which one without reading our source.
 */
public final class Assert {
  private static final byte[] NO_BYTES = {};

  private Assert() {}

  /**
   * A copy of {@code bytes}, or throws {@link NullPointerException} naming {@code name}. The empty
   * array is shared rather than copied: nobody can change it, and records with no payload are made
   * several times per transaction.
   */
  public static byte[] copyOf(@Nullable byte[] bytes, String name) {
    byte[] checked = notNull(bytes, name);
    return checked.length == 0 ? NO_BYTES : checked.clone();
  }

  /** Returns {@code value}, or throws {@link NullPointerException} naming {@code name}. */
  public static <T> T notNull(@Nullable T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /** Returns {@code value} if it is neither null nor blank. */
  public static String notBlank(@Nullable String value, String name) {
    String checked = notNull(value, name);
    if (checked.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return checked;
  }

  /** Throws {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  public static void isTrue(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Throws {@link IllegalArgumentException} with {@code message} followed by {@code value} unless
   * {@code condition}. For checks on hot paths: the message is built only when it is thrown.
   */
  public static void isTrue(boolean condition, String message, long value) {
    if (!condition) {
      throw new IllegalArgumentException(message + value);
    }
  }

  /** Returns {@code value} if it is strictly positive. */
  public static Duration positive(@Nullable Duration value, String name) {
    Duration checked = notNull(value, name);
    if (checked.isNegative() || checked.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + checked);
    }
    return checked;
  }

  /** Returns {@code value} if it is zero or positive. */
  public static Duration notNegative(@Nullable Duration value, String name) {
    Duration checked = notNull(value, name);
    if (checked.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + checked);
    }
    return checked;
  }

  /** Returns {@code value} if it is at least {@code min}. */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it lies in {@code [min, max]}. */
  public static double between(double value, double min, double max, String name) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }
}
