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
    ops.put("tcc-mem-1t", 250.0);
    String json = Ratios.json(ops);
    assertThat(json).startsWith("{\"rows\":[{\"name\":\"tcc in memory, 1 thread, vs two locked map updates\"")
        .contains("\"settleOpsPerSec\":250,\"reference\":\"floor-2maps-1t\",\"referenceOpsPerSec\":1000,\"ratio\":0.2500")
        .endsWith("]}");
    assertThat(json.split("\"name\"")).hasSize(Ratios.ROWS.size() + 1);
    assertThat(Ratios.table(ops)).contains("0.250");
  }
}
