package dev.settle.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
          new Spec("tcc-1t", "InMemoryBenchmarks.tcc", 1, List.of(), 1),
          new Spec("2pc-mem-1t", "InMemoryBenchmarks.twoPhaseCommit", 1, List.of(), 1),
          new Spec("saga-mem-1t", "InMemoryBenchmarks.saga", 1, List.of(), 1),
          new Spec("tcc-2t", "InMemoryBenchmarks.tcc", 2, List.of(), 1),
          new Spec("tcc-4t", "InMemoryBenchmarks.tcc", 4, List.of(), 1),
          new Spec("tcc-8t", "InMemoryBenchmarks.tcc", 8, List.of(), 1),
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
          new Row("tcc in memory, 1 thread, vs two locked map updates", "tcc-1t", "floor-2maps-1t"),
          new Row("2pc in memory, 1 thread, vs two locked map updates", "2pc-mem-1t", "floor-2maps-1t"),
          new Row("saga in memory, 1 thread, vs two locked map updates", "saga-mem-1t", "floor-2maps-1t"),
          new Row("tcc in memory, 2 threads, vs two locked map updates", "tcc-2t", "floor-2maps-2t"),
          new Row("2pc in memory, 2 threads, vs two locked map updates", "2pc-mem-2t", "floor-2maps-2t"),
          new Row("saga in memory, 2 threads, vs two locked map updates", "saga-mem-2t", "floor-2maps-2t"),
          new Row("tcc in memory, 2 threads, vs 1 thread", "tcc-2t", "tcc-1t"),
          new Row("tcc in memory, 4 threads, vs 1 thread", "tcc-4t", "tcc-1t"),
          new Row("tcc in memory, 8 threads, vs 1 thread", "tcc-8t", "tcc-1t"),
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
          new Row("tcc in memory, 1 thread, vs Narayana volatile store", "tcc-1t", "narayana-volatile-1t"),
          new Row("2pc in memory, 1 thread, vs Narayana volatile store", "2pc-mem-1t", "narayana-volatile-1t"),
          new Row("saga in memory, 1 thread, vs Narayana volatile store", "saga-mem-1t", "narayana-volatile-1t"),
          new Row("2pc on file log, 1 thread, vs Narayana file store, 1 thread", "2pc-file-1t", "narayana-file-1t"),
          new Row("tcc on file log, 64 threads, vs Narayana file store, 1 thread", "tcc-file-64t", "narayana-file-1t"),
          new Row("2pc on file log, 1 thread, vs Atomikos file log, 1 thread", "2pc-file-1t", "atomikos-file-1t"),
          new Row("tcc on file log, 64 threads, vs Atomikos file log, 1 thread", "tcc-file-64t", "atomikos-file-1t"));

  private Ratios() {}

  /** The groups of rows {@code --only} can pick. */
  static final List<String> GROUPS = List.of("jmh", PostgresRows.GROUP, HttpRows.GROUP, FileWalletRows.GROUP);

  /**
   * Runs the groups in {@code only}: the JMH specs, then the PostgreSQL rows on the given server
   * (null: {@code SETTLE_PG_*} or a throwaway one), then the HTTP rows.
   */
  static Report measure(
      boolean quick,
      List<String> only,
      @Nullable String pgUrl,
      @Nullable String pgUser,
      @Nullable String pgPassword)
      throws RunnerException {
    Report report = new Report();
    if (only.contains("jmh")) {
      report.ops.putAll(measure(quick));
    }
    Timed.Windows windows = Timed.Windows.of(quick);
    if (only.contains(PostgresRows.GROUP)) {
      PostgresRows.measure(windows, pgUrl, pgUser, pgPassword, report);
    }
    if (only.contains(HttpRows.GROUP)) {
      try {
        HttpRows.measure(windows, report);
      } catch (RuntimeException e) {
        report.failed.put(HttpRows.GROUP, String.valueOf(e.getMessage()));
      }
    }
    if (only.contains(FileWalletRows.GROUP)) {
      try {
        FileWalletRows.measure(windows, report);
      } catch (RuntimeException e) {
        report.failed.put(FileWalletRows.GROUP, String.valueOf(e.getMessage()));
      }
    }
    return report;
  }

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

  /**
   * Rows measured outside JMH (an external server, latencies), each in a group that may be
   * skipped as a whole; a row shows only when both its measurements are there.
   *
   * @param group {@link PostgresRows#GROUP} or {@link HttpRows#GROUP}
   * @param row the comparison
   */
  record GroupRow(String group, Row row) {}

  static final List<GroupRow> TIMED_ROWS =
      List.of(
          new GroupRow(PostgresRows.GROUP, new Row("tcc on postgres log, 1 thread, vs INSERT+COMMIT, 1 connection", "tcc-pg-1t", "pg-insert-commit-1c")),
          new GroupRow(PostgresRows.GROUP, new Row("tcc on postgres log, 64 threads, vs INSERT+COMMIT, 64 connections", "tcc-pg-64t", "pg-insert-commit-64c")),
          new GroupRow(PostgresRows.GROUP, new Row("tcc on postgres log, 64 threads, vs INSERT+COMMIT, 1 connection", "tcc-pg-64t", "pg-insert-commit-1c")),
          new GroupRow(PostgresRows.GROUP, new Row("INSERT+COMMIT, 64 connections, vs 1 connection", "pg-insert-commit-64c", "pg-insert-commit-1c")),
          new GroupRow(HttpRows.GROUP, new Row("tcc over http, 1 at a time, vs 1 POST round trip", "tcc-http-1c", "http-post-1c")),
          new GroupRow(HttpRows.GROUP, new Row("tcc over http, 1 at a time, vs 4 POST round trips", "tcc-http-1c", "http-post-x4-1c")),
          new GroupRow(HttpRows.GROUP, new Row("tcc over http, 64 at a time, vs 1 POST round trip", "tcc-http-64c", "http-post-64c")),
          new GroupRow(HttpRows.GROUP, new Row("tcc over http, 64 at a time, vs 4 POST round trips", "tcc-http-64c", "http-post-x4-64c")),
          new GroupRow(FileWalletRows.GROUP, new Row("wallet tcc on H2 files, 16 threads, vs one-statement H2 commits, 16 threads", "wallet-files-tcc-16t", "h2-commit-16t")));

  /** The rows to print: every JMH row, then every timed row, those measured in {@code ops}. */
  private static List<Row> present(Map<String, Double> ops) {
    List<Row> rows = new ArrayList<>();
    for (Row row : ROWS) {
      if (ops.containsKey(row.settle()) && ops.containsKey(row.reference())) {
        rows.add(row);
      }
    }
    for (GroupRow groupRow : TIMED_ROWS) {
      Row row = groupRow.row();
      if (ops.containsKey(row.settle()) && ops.containsKey(row.reference())) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** The result rows as one JSON object. */
  static String json(Map<String, Double> ops) {
    Report report = new Report();
    report.ops.putAll(ops);
    return json(report);
  }

  /** The report as one JSON object: rows, then latencies, takeovers, skipped groups and notes if any. */
  static String json(Report report) {
    Map<String, Double> ops = report.ops;
    List<Row> rows = present(ops);
    StringBuilder out = new StringBuilder("{\"rows\":[");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      double settle = ops.getOrDefault(row.settle(), 0.0);
      double reference = ops.getOrDefault(row.reference(), 0.0);
      out.append(i == 0 ? "" : ",")
          .append("{\"name\":").append(quote(row.name())).append(",\"settleOpsPerSec\":")
          .append(Math.round(settle)).append(",\"reference\":").append(quote(row.reference()))
          .append(",\"referenceOpsPerSec\":").append(Math.round(reference))
          .append(",\"ratio\":").append(String.format(Locale.ROOT, "%.4f", reference == 0 ? 0 : settle / reference))
          .append('}');
    }
    out.append(']');
    if (!report.latencies.isEmpty()) {
      out.append(",\"latencyMillis\":[");
      for (int i = 0; i < report.latencies.size(); i++) {
        Report.Latency l = report.latencies.get(i);
        out.append(i == 0 ? "" : ",")
            .append("{\"name\":").append(quote(l.name()))
            .append(String.format(Locale.ROOT, ",\"p50\":%.3f,\"p99\":%.3f,\"floorP50\":%.3f,\"floorP99\":%.3f}",
                l.p50(), l.p99(), l.floorP50(), l.floorP99()));
      }
      out.append(']');
    }
    if (!report.takeovers.isEmpty()) {
      out.append(",\"takeovers\":[");
      for (int i = 0; i < report.takeovers.size(); i++) {
        Report.Takeover t = report.takeovers.get(i);
        out.append(i == 0 ? "" : ",")
            .append("{\"name\":").append(quote(t.name()))
            .append(String.format(Locale.ROOT,
                ",\"transactions\":%d,\"fromKillMillis\":%.0f,\"afterLeaseMillis\":%.0f,\"leaseMillis\":%.0f,\"ratioToLease\":%.4f}",
                t.transactions(), t.fromKillMillis(), t.fromKillMillis() - t.leaseMillis(), t.leaseMillis(),
                t.fromKillMillis() / t.leaseMillis()));
      }
      out.append(']');
    }
    if (!report.skipped.isEmpty()) {
      out.append(",\"skipped\":[");
      int i = 0;
      for (Map.Entry<String, String> e : report.skipped.entrySet()) {
        out.append(i++ == 0 ? "" : ",")
            .append("{\"group\":").append(quote(e.getKey())).append(",\"reason\":").append(quote(e.getValue())).append('}');
      }
      out.append(']');
    }
    if (!report.failed.isEmpty()) {
      out.append(",\"failed\":[");
      int i = 0;
      for (Map.Entry<String, String> e : report.failed.entrySet()) {
        out.append(i++ == 0 ? "" : ",")
            .append("{\"group\":").append(quote(e.getKey())).append(",\"reason\":").append(quote(e.getValue())).append('}');
      }
      out.append(']');
    }
    if (!report.notes.isEmpty()) {
      out.append(",\"notes\":[");
      for (int i = 0; i < report.notes.size(); i++) {
        out.append(i == 0 ? "" : ",").append(quote(report.notes.get(i)));
      }
      out.append(']');
    }
    return out.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** The result rows as a readable table. */
  static String table(Map<String, Double> ops) {
    Report report = new Report();
    report.ops.putAll(ops);
    return table(report);
  }

  /** The report as readable tables: ratios, then latencies, takeovers, skipped groups and notes. */
  static String table(Report report) {
    Map<String, Double> ops = report.ops;
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-66s %14s %14s %8s", "comparison", "settle ops/s", "reference", "ratio"));
    for (Row row : present(ops)) {
      double settle = ops.getOrDefault(row.settle(), 0.0);
      double reference = ops.getOrDefault(row.reference(), 0.0);
      lines.add(String.format(Locale.ROOT, "%-66s %,14.0f %,14.0f %8.3f", row.name(), settle, reference,
          reference == 0 ? 0 : settle / reference));
    }
    if (!report.latencies.isEmpty()) {
      lines.add("");
      lines.add(String.format(Locale.ROOT, "%-66s %10s %10s %10s %10s", "latency, ms", "settle p50", "settle p99",
          "floor p50", "floor p99"));
      for (Report.Latency l : report.latencies) {
        lines.add(String.format(Locale.ROOT, "%-66s %10.3f %10.3f %10.3f %10.3f", l.name(), l.p50(), l.p99(),
            l.floorP50(), l.floorP99()));
      }
    }
    if (!report.takeovers.isEmpty()) {
      lines.add("");
      lines.add(String.format(Locale.ROOT, "%-66s %9s %11s %8s", "takeover", "from kill", "after lease",
          "/ lease"));
      for (Report.Takeover t : report.takeovers) {
        lines.add(String.format(Locale.ROOT, "%-66s %6.0f ms %8.0f ms %8.3f", t.name(), t.fromKillMillis(),
            t.fromKillMillis() - t.leaseMillis(), t.fromKillMillis() / t.leaseMillis()));
      }
    }
    if (!report.skipped.isEmpty()) {
      lines.add("");
      report.skipped.forEach((group, reason) -> lines.add(group + " rows skipped: " + reason));
    }
    if (!report.failed.isEmpty()) {
      lines.add("");
      report.failed.forEach((group, reason) -> lines.add(group + " rows FAILED: " + reason));
    }
    if (!report.notes.isEmpty()) {
      lines.add("");
      report.notes.forEach(note -> lines.add("note: " + note));
    }
    return String.join("\n", lines);
  }
}
