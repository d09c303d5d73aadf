package dev.settle.http.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An {@code application/problem+json} document (RFC 9457) with string members only, written and
 * read by hand: the module may not depend on a JSON library, and the documents it reads are the
 * ones it writes. The reader accepts any flat JSON object; members that are not strings (the
 * {@code status} number) are skipped, and anything else that is not a flat object is rejected.
 *
 * @param members the string members, {@code type} and {@code detail} among them
 */
public record Problem(Map<String, String> members) {
  /** Copies the members. */
  public Problem {
    // Insertion order kept: documents read the way they were written (type first).
    members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }

  /** A problem of {@code type} with a {@code title}, the {@code status} and a {@code detail}. */
  public static Problem of(String type, String title, String detail) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("title", title);
    m.put("detail", detail);
    return new Problem(m);
  }

  /** A copy with one more member. */
  public Problem with(String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(members);
    m.put(name, value);
    return new Problem(m);
  }

  /** The member's value, or null. */
  public @Nullable String get(String name) {
    return members.get(name);
  }

  /** The {@code type} member, or empty. */
  public String type() {
    String type = members.get("type");
    return type == null ? "" : type;
  }

  /** The {@code detail} member, or empty. */
  public String detail() {
    String detail = members.get("detail");
    return detail == null ? "" : detail;
  }

  /** The document, with {@code status} as a number after {@code type}. */
  public byte[] toJson(int status) {
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : members.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      quote(out, e.getKey()).append(':');
      quote(out, e.getValue());
      if (e.getKey().equals("type")) {
        out.append(",\"status\":").append(status);
      }
    }
    return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static StringBuilder quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          // Escaping everything outside printable ASCII keeps the document ASCII, so any Java
          // string round-trips, an unpaired surrogate included (UTF-8 could not carry it).
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  /**
   * Reads a document.
   *
   * @throws IllegalArgumentException if the bytes are not a flat JSON object
   */
  public static Problem parse(byte[] json) {
    return new Reader(new String(json, StandardCharsets.UTF_8)).object();
  }

  /** A recursive-descent reader for one flat object; bounded by the text's length. */
  private static final class Reader {
    private final String s;
    private int i;

    Reader(String s) {
      this.s = s;
    }

    Problem object() {
      Map<String, String> members = new LinkedHashMap<>();
      expect('{');
      if (peek() != '}') {
        do {
          String name = string();
          expect(':');
          if (peek() == '"') {
            members.put(name, string());
          } else {
            scalar();
          }
        } while (take(','));
      }
      expect('}');
      if (skipSpace() < s.length()) {
        throw fail("trailing text");
      }
      return new Problem(members);
    }

    private void scalar() {
      int start = skipSpace();
      while (i < s.length() && "-+.0123456789eEtrufalsn".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      String token = s.substring(start, i);
      if (!token.equals("true") && !token.equals("false") && !token.equals("null")
          && !token.matches("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
        throw fail("a value that is neither a string nor a scalar");
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw fail("an unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw fail("an unterminated escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw fail("a short \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw fail("a bad \\u escape");
            }
            i += 4;
          }
          default -> throw fail("an unknown escape \\" + e);
        }
      }
    }

    private int skipSpace() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      return i;
    }

    private char peek() {
      skipSpace();
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private boolean take(char c) {
      if (peek() == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!take(c)) {
        throw fail("'" + c + "' expected");
      }
    }

    private IllegalArgumentException fail(String what) {
      return new IllegalArgumentException("not a problem document: " + what + " at " + i);
    }
  }
}
