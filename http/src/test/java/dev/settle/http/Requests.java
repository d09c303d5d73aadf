package dev.settle.http;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds wire headers for tests that talk to an endpoint directly. */
final class Requests {
  private Requests() {}

  static Map<String, List<String>> headers(String tx, String branch, int attempt, Instant deadline) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put(WireFormat.VERSION_HEADER, List.of(WireFormat.VERSION));
    h.put(WireFormat.TRANSACTION_HEADER, List.of(tx));
    h.put(WireFormat.BRANCH_HEADER, List.of(branch));
    h.put(WireFormat.ATTEMPT_HEADER, List.of(Integer.toString(attempt)));
    h.put(WireFormat.DEADLINE_HEADER, List.of(deadline.toString()));
    return h;
  }

  static Map<String, List<String>> without(Map<String, List<String>> headers, String name) {
    Map<String, List<String>> h = new LinkedHashMap<>(headers);
    h.remove(name);
    return h;
  }

  static Map<String, List<String>> with(Map<String, List<String>> headers, String name, String value) {
    Map<String, List<String>> h = new LinkedHashMap<>(headers);
    h.put(name, List.of(value));
    return h;
  }
}
