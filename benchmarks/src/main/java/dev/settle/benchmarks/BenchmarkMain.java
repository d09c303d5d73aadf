package dev.settle.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar settle-benchmarks.jar ratios [--quick] [--json]} runs the comparison set and
 * prints a table (or, with {@code --json}, one JSON object as the last line); any other arguments
 * go to JMH itself.
 */
public final class BenchmarkMain {
  private BenchmarkMain() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    if (list.isEmpty() || !list.get(0).equals("ratios")) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    for (String arg : list.subList(1, list.size())) {
      if (!arg.equals("--quick") && !arg.equals("--json")) {
        System.err.println("unknown option " + arg + "\nusage: ratios [--quick] [--json]");
        System.exit(2);
      }
    }
    Map<String, Double> ops = Ratios.measure(list.contains("--quick"));
    System.out.println(list.contains("--json") ? Ratios.json(ops) : Ratios.table(ops));
  }
}
