package dev.settle.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one {@code ratios} run measured: ops/s by name, latencies, takeovers, skips. */
final class Report {
  /**
   * Latency of a Settle operation and of its floor, both in milliseconds.
   *
   * @param name the row
   * @param p50 Settle's median
   * @param p99 Settle's 99th percentile
   * @param floorP50 the floor's median
   * @param floorP99 the floor's 99th percentile
   */
  record Latency(String name, double p50, double p99, double floorP50, double floorP99) {}

  /**
   * How long a peer took to finish a killed node's unfinished transactions.
   *
   * @param name the row
   * @param transactions how many the killed node left unfinished
   * @param fromKillMillis from the kill (its last write) until the peer had finished them all
   * @param leaseMillis the killed node's lease
   */
  record Takeover(String name, int transactions, double fromKillMillis, double leaseMillis) {}

  final Map<String, Double> ops = new LinkedHashMap<>();
  final List<Latency> latencies = new ArrayList<>();
  final List<Takeover> takeovers = new ArrayList<>();
  /** Why a group of rows was not measured, by group. */
  final Map<String, String> skipped = new LinkedHashMap<>();
  /** Why a group of rows failed part way, by group: what it measured before is kept. */
  final Map<String, String> failed = new LinkedHashMap<>();
  /** One line each: where a group ran, and what else it saw (group sizes). */
  final List<String> notes = new ArrayList<>();
}
