package dev.settle.core.internal.check;

import org.jspecify.annotations.Nullable;

/**
 * Validation shared by {@code TransactionId} and {@code BranchId}. The rules keep ids safe to put
 * in a file name, a log line, an SQL literal and an XA transaction id (64 bytes at most).
 */
public final class Identifiers {
  /** XA limits a global transaction id and a branch qualifier to 64 bytes each. */
  public static final int MAX_LENGTH = 64;

  private Identifiers() {}

  /** Returns {@code value} if it is a valid identifier, else throws naming {@code kind}. */
  public static String check(@Nullable String value, String kind) {
    String checked = Assert.notBlank(value, kind);
    if (checked.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          kind + " must be at most " + MAX_LENGTH + " characters, was " + checked.length());
    }
    for (int i = 0; i < checked.length(); i++) {
      char c = checked.charAt(i);
      if (!isAllowed(c)) {
        throw new IllegalArgumentException(
            kind + " may hold only letters, digits and . _ : -, found '" + c + "' in \""
                + checked
                + "\"");
      }
    }
    return checked;
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == ':'
        || c == '-';
  }
}
