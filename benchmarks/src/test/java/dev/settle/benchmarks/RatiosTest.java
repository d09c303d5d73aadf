package dev.settle.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RatiosTest {
  @Test
  void everyRowComparesTwoMeasuredSpecs() {
    Set<String> specs = Ratios.SPECS.stream().map(Ratios.Spec::name).collect(Collectors.toSet());
    assertThat(specs).hasSize(Ratios.SPECS.size());
    for (Ratios.Row row : Ratios.ROWS) {
      assertThat(specs).contains(row.settle(), row.reference());
    }
  }

  @Test
  void theJsonHasOneRowPerComparisonWithItsRatio() {
    Map<String, Double> ops = new HashMap<>();
    Ratios.SPECS.forEach(s -> ops.put(s.name(), 1_000.0));
    ops.put("tcc-1t", 250.0);
    String json = Ratios.json(ops);
    assertThat(json).startsWith("{\"rows\":[{\"name\":\"tcc in memory, 1 thread, vs two locked map updates\"")
        .contains("\"settleOpsPerSec\":250,\"reference\":\"floor-2maps-1t\",\"referenceOpsPerSec\":1000,\"ratio\":0.2500")
        .endsWith("]}");
    assertThat(json.split("\"name\"")).hasSize(Ratios.ROWS.size() + 1);
    assertThat(Ratios.table(ops)).contains("0.250");
  }

  @Test
  void timedRowsShowOnlyWhenMeasuredAndSkippedGroupsSayWhy() {
    Report report = new Report();
    report.ops.put("tcc-http-1c", 100.0);
    report.ops.put("http-post-1c", 800.0);
    report.ops.put("http-post-x4-1c", 200.0);
    report.latencies.add(new Report.Latency("tcc over http, 1 transfer at a time", 4.5, 15.0, 0.75, 6.0));
    report.takeovers.add(new Report.Takeover("peer finishes 200", 200, 1300, 1000));
    report.skipped.put("postgres", "no \"server\"");

    String json = Ratios.json(report);
    assertThat(json.split("\"settleOpsPerSec\"")).hasSize(3);
    assertThat(json)
        .contains("\"ratio\":0.1250", "\"ratio\":0.5000")
        .contains("\"p50\":4.500,\"p99\":15.000,\"floorP50\":0.750,\"floorP99\":6.000")
        .contains("\"fromKillMillis\":1300,\"afterLeaseMillis\":300,\"leaseMillis\":1000,\"ratioToLease\":1.3000")
        .contains("{\"group\":\"postgres\",\"reason\":\"no \\\"server\\\"\"}")
        .doesNotContain("tcc on postgres log");
    assertThat(Ratios.table(report))
        .contains("tcc over http, 1 at a time, vs 4 POST round trips", "0.500", "postgres rows skipped: no");
  }
}
