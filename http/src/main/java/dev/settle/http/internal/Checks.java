package dev.settle.http.internal;

import java.net.URI;
import java.util.Locale;

/** Argument checks shared by the HTTP builders, with messages that say what to fix. */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code base} without a trailing slash.
   *
   * @throws IllegalArgumentException unless it is an absolute http(s) URI with a host and no
   *     query or fragment
   */
  public static URI baseUri(URI base) {
    java.util.Objects.requireNonNull(base, "baseUri");
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "baseUri " + base + " must be an absolute http:// or https:// URI");
    }
    if (base.getHost() == null) {
      throw new IllegalArgumentException("baseUri " + base + " has no host");
    }
    if (base.getRawQuery() != null || base.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUri " + base + " must not have a query or fragment; operations are appended to"
              + " its path");
    }
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }

  /** A path segment naming a participant on an endpoint: letters, digits, '-', '_', '.'. */
  public static String segment(String name, String what) {
    java.util.Objects.requireNonNull(name, what);
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          what + " \"" + name + "\" must be 1 to 64 letters, digits, '.', '-' or '_' (it is a path"
              + " segment)");
    }
    return name;
  }
}
