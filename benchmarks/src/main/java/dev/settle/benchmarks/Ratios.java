package dev.settle.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every Settle benchmark and its reference in one run and compares them, so that each ratio
 * is measured on the same machine at the same time.
 */
public final class Ratios {
  /**
   * One measurement.
   *
   * @param name how rows refer to it
   * @param benchmark the JMH method, {@code Class.method}
   * @param threads benchmark threads
   * @param params JMH parameters, "name=value"
   * @param scale multiply ops/s by this (branches per transaction, to compare per-branch cost)
   * @param ownJvm whether it must run in a forked JVM even in a quick run (peers keep global
   *     state)
   */
  record Spec(String name, String benchmark, int threads, List<String> params, double scale, boolean ownJvm) {
    Spec(String name, String benchmark, int threads, List<String> params, double scale) {
      this(name, benchmark, threads, params, scale, false);
    }
  }

  /**
   * One comparison.
   *
   * @param name the row
   * @param settle the Settle measurement
   * @param reference the floor or peer
   */
  record Row(String name, String settle, String reference) {}

  static final List<Spec> SPECS =
      List.of(
          new Spec("floor-2maps-1t", "FloorBenchmarks.twoLockedMapUpdates", 1, List.of(), 1),
          new Spec("floor-2maps-2t", "FloorBenchmarks.twoLockedMapUpdates", 2, List.of(), 1),
          new Spec("floor-append-force-1t", "FloorBenchmarks.appendAndForce", 1, List.of(), 1),
          new Spec("tcc-mem-1t", "InMemoryBenchmarks.tcc", 1, List.of(), 1),
          new Spec("2pc-mem-1t", "InMemoryBenchmarks.twoPhaseCommit", 1, List.of(), 1),
          new Spec("saga-mem-1t", "InMemoryBenchmarks.saga", 1, List.of(), 1),
          new Spec("tcc-mem-2t", "InMemoryBenchmarks.tcc", 2, List.of(), 1),
          new Spec("2pc-mem-2t", "InMemoryBenchmarks.twoPhaseCommit", 2, List.of(), 1),
          new Spec("saga-mem-2t", "InMemoryBenchmarks.saga", 2, List.of(), 1),
          new Spec("2pc-file-1t", "DurableBenchmarks.twoPhaseCommitOnFile", 1, List.of(), 1),
          new Spec("tcc-file-1t", "DurableBenchmarks.tccOnFile", 1, List.of(), 1),
          new Spec("tcc-file-64t", "DurableBenchmarks.tccOnFile", 64, List.of(), 1),
          new Spec("2pc-file-64t", "DurableBenchmarks.twoPhaseCommitOnFile", 64, List.of(), 1),
          new Spec("log-group-commit-1t", "DurableBenchmarks.forcedAppend", 1, List.of("durability=GROUP_COMMIT"), 1),
          new Spec("log-force-each-1t", "DurableBenchmarks.forcedAppend", 1, List.of("durability=FORCE_EACH"), 1),
          new Spec("log-none-1t", "DurableBenchmarks.forcedAppend", 1, List.of("durability=NONE"), 1),
          new Spec("log-group-commit-64t", "DurableBenchmarks.forcedAppend", 64, List.of("durability=GROUP_COMMIT"), 1),
          new Spec("tcc-2-branches", "BranchBenchmarks.tccBranches", 1, List.of("branches=2"), 2),
          new Spec("tcc-8-branches", "BranchBenchmarks.tccBranches", 1, List.of("branches=8"), 8),
          new Spec("tcc-64-branches", "BranchBenchmarks.tccBranches", 1, List.of("branches=64"), 64),
          new Spec("ledger-commands", "LedgerBenchmarks.commands", 1, List.of(), 1),
          new Spec("ledger-replay", "LedgerBenchmarks.replay", 1, List.of(), 1),
          new Spec("narayana-volatile-1t", "NarayanaBenchmarks.transfer", 1, List.of("store=volatile"), 1, true),
          new Spec("narayana-file-1t", "NarayanaBenchmarks.transfer", 1, List.of("store=file"), 1, true),
          new Spec("atomikos-file-1t", "AtomikosBenchmarks.transfer", 1, List.of(), 1, true));

  static final List<Row> ROWS =
      List.of(
          new Row("tcc in memory, 1 thread, vs two locked map updates", "tcc-mem-1t", "floor-2maps-1t"),
          new Row("2pc in memory, 1 thread, vs two locked map updates", "2pc-mem-1t", "floor-2maps-1t"),
          new Row("saga in memory, 1 thread, vs two locked map updates", "saga-mem-1t", "floor-2maps-1t"),
          new Row("tcc in memory, 2 threads, vs two locked map updates", "tcc-mem-2t", "floor-2maps-2t"),
          new Row("2pc in memory, 2 threads, vs two locked map updates", "2pc-mem-2t", "floor-2maps-2t"),
          new Row("saga in memory, 2 threads, vs two locked map updates", "saga-mem-2t", "floor-2maps-2t"),
          new Row("2pc on file log (group commit), 1 thread, vs append+force", "2pc-file-1t", "floor-append-force-1t"),
          new Row("tcc on file log (group commit), 1 thread, vs append+force", "tcc-file-1t", "floor-append-force-1t"),
          new Row("tcc on file log (group commit), 64 threads, vs append+force", "tcc-file-64t", "floor-append-force-1t"),
          new Row("2pc on file log (group commit), 64 threads, vs append+force", "2pc-file-64t", "floor-append-force-1t"),
          new Row("log forced append, group commit, 1 thread, vs append+force", "log-group-commit-1t", "floor-append-force-1t"),
          new Row("log forced append, force each, 1 thread, vs append+force", "log-force-each-1t", "floor-append-force-1t"),
          new Row("log append, no force, 1 thread, vs append+force", "log-none-1t", "floor-append-force-1t"),
          new Row("log forced append, group commit, 64 threads, vs append+force", "log-group-commit-64t", "floor-append-force-1t"),
          new Row("tcc branch-calls/s with 8 branches vs with 2", "tcc-8-branches", "tcc-2-branches"),
          new Row("tcc branch-calls/s with 64 branches vs with 2", "tcc-64-branches", "tcc-2-branches"),
          new Row("ledger commands vs two locked map updates", "ledger-commands", "floor-2maps-1t"),
          new Row("ledger replayed events vs two locked map updates", "ledger-replay", "floor-2maps-1t"),
          new Row("tcc in memory, 1 thread, vs Narayana volatile store", "tcc-mem-1t", "narayana-volatile-1t"),
          new Row("2pc in memory, 1 thread, vs Narayana volatile store", "2pc-mem-1t", "narayana-volatile-1t"),
          new Row("saga in memory, 1 thread, vs Narayana volatile store", "saga-mem-1t", "narayana-volatile-1t"),
          new Row("2pc on file log, 1 thread, vs Narayana file store, 1 thread", "2pc-file-1t", "narayana-file-1t"),
          new Row("tcc on file log, 64 threads, vs Narayana file store, 1 thread", "tcc-file-64t", "narayana-file-1t"),
          new Row("2pc on file log, 1 thread, vs Atomikos file log, 1 thread", "2pc-file-1t", "atomikos-file-1t"),
          new Row("tcc on file log, 64 threads, vs Atomikos file log, 1 thread", "tcc-file-64t", "atomikos-file-1t"));

  private Ratios() {}

  /** Runs every spec and returns ops/s by spec name. */
  static Map<String, Double> measure(boolean quick) throws RunnerException {
    Map<String, Double> opsPerSecond = new LinkedHashMap<>();
    for (Spec spec : SPECS) {
      ChainedOptionsBuilder options =
          new OptionsBuilder()
              .include("dev\\.settle\\.benchmarks\\." + spec.benchmark().replace(".", "\\.") + "$")
              .mode(Mode.Throughput)
              .timeUnit(TimeUnit.SECONDS)
              .threads(spec.threads())
              .shouldFailOnError(true);
      for (String param : spec.params()) {
        String[] kv = param.split("=");
        options.param(kv[0], kv[1]);
      }
      if (quick) {
        options.forks(spec.ownJvm() ? 1 : 0).warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
            .measurementIterations(2).measurementTime(TimeValue.milliseconds(300));
      } else {
        options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
            .measurementIterations(5).measurementTime(TimeValue.seconds(1));
      }
      RunResult result = new Runner(options.build()).runSingle();
      opsPerSecond.put(spec.name(), result.getPrimaryResult().getScore() * spec.scale());
    }
    return opsPerSecond;
  }

  /** The result rows as one JSON object. */
  static String json(Map<String, Double> ops) {
    StringBuilder out = new StringBuilder("{\"rows\":[");
    for (int i = 0; i < ROWS.size(); i++) {
      Row row = ROWS.get(i);
      double settle = ops.getOrDefault(row.settle(), 0.0);
      double reference = ops.getOrDefault(row.reference(), 0.0);
      out.append(i == 0 ? "" : ",")
          .append("{\"name\":\"").append(row.name()).append("\",\"settleOpsPerSec\":")
          .append(Math.round(settle)).append(",\"reference\":\"").append(row.reference())
          .append("\",\"referenceOpsPerSec\":").append(Math.round(reference))
          .append(",\"ratio\":").append(String.format(Locale.ROOT, "%.4f", reference == 0 ? 0 : settle / reference))
          .append('}');
    }
    return out.append("]}").toString();
  }

  /** The result rows as a readable table. */
  static String table(Map<String, Double> ops) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-66s %14s %14s %8s", "comparison", "settle ops/s", "reference", "ratio"));
    for (Row row : ROWS) {
      double settle = ops.getOrDefault(row.settle(), 0.0);
      double reference = ops.getOrDefault(row.reference(), 0.0);
      lines.add(String.format(Locale.ROOT, "%-66s %,14.0f %,14.0f %8.3f", row.name(), settle, reference,
          reference == 0 ? 0 : settle / reference));
    }
    return String.join("\n", lines);
  }
}
