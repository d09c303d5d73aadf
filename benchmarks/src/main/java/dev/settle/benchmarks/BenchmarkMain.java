package dev.settle.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar settle-benchmarks.jar ratios [--quick] [--json] [--only GROUPS] [--pg-url URL]
 * [--pg-user U] [--pg-password P]} runs the comparison set and prints a table (or, with {@code
 * --json}, one JSON object as the last line); any other arguments go to JMH itself.
 */
public final class BenchmarkMain {
  private static final String USAGE =
      "usage: ratios [--quick] [--json] [--only jmh,postgres,http,files] [--pg-url JDBC_URL] [--pg-user USER]"
          + " [--pg-password PASSWORD]\n"
          + "  without --pg-url (or SETTLE_PG_URL, SETTLE_PG_USER, SETTLE_PG_PASSWORD) the postgres rows"
          + " run on a throwaway server started from the local installation, or are skipped";

  private BenchmarkMain() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    if (list.isEmpty() || !list.get(0).equals("ratios")) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    boolean quick = false;
    boolean json = false;
    List<String> only = Ratios.GROUPS;
    @Nullable String pgUrl = null;
    @Nullable String pgUser = null;
    @Nullable String pgPassword = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> quick = true;
        case "--json" -> json = true;
        case "--only", "--pg-url", "--pg-user", "--pg-password" -> {
          if (i + 1 >= args.length) {
            fail(arg + " needs a value");
          }
          String value = args[++i];
          switch (arg) {
            case "--only" -> only = groups(value);
            case "--pg-url" -> pgUrl = value;
            case "--pg-user" -> pgUser = value;
            default -> pgPassword = value;
          }
        }
        default -> fail("unknown option " + arg);
      }
    }
    Report report = Ratios.measure(quick, only, pgUrl, pgUser, pgPassword);
    System.out.println(json ? Ratios.json(report) : Ratios.table(report));
    if (!report.failed.isEmpty()) {
      System.exit(1);
    }
  }

  private static List<String> groups(String value) {
    List<String> groups = new ArrayList<>();
    for (String group : value.split(",", -1)) {
      if (!Ratios.GROUPS.contains(group)) {
        fail("unknown group " + group + " in --only; groups: " + String.join(",", Ratios.GROUPS));
      }
      groups.add(group);
    }
    return groups;
  }

  private static void fail(String message) {
    System.err.println(message + "\n" + USAGE);
    System.exit(2);
  }
}
