package dev.settle.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.LogReplay;
import dev.settle.testsupport.CrashingLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * For any failing step, unknown outcomes, duplicate deliveries and a coordinator crash at any log
 * append followed by recovery: every step applied, or every applied step compensated, in strictly
 * reverse order.
 */
class SagaProperties {
  /**
   * Which step fails and which has an unknown outcome (-1 or past the end: none); QuickTheories
   * takes at most four generators, so these two travel together.
   */
  record Faults(int failAt, int unknownAt) {}

  @Test
  void endsAllAppliedOrAllCompensatedInReverseOrder() {
    qt().withExamples(1500)
        .forAll(
            integers().between(1, 6),
            integers().between(-1, 5).zip(integers().between(-1, 5), Faults::new),
            integers().between(0, 30),
            booleans().all())
        .checkAssert(
            (steps, faults, crashAt, duplicates) ->
                endsAllAppliedOrAllCompensated(
                    steps, faults.failAt(), faults.unknownAt(), crashAt, duplicates));
  }

  private static void endsAllAppliedOrAllCompensated(
      int steps, int failAt, int unknownAt, int crashAt, boolean duplicates) {
    Shop shop = new Shop();
    shop.duplicateEverything = duplicates;
    if (failAt >= 0 && failAt < steps) {
      shop.failing.add("s" + failAt);
    }
    if (unknownAt >= 0 && unknownAt < steps) {
      shop.unknown.add("s" + unknownAt);
    }
    SagaDefinition saga = shop.saga("prop", steps);
    CrashingLog log = new CrashingLog(crashAt);
    SagaCoordinator first = coordinator(log, saga);
    TransactionId tx;
    try {
      tx = first.execute(SagaRequest.of(saga)).transactionId();
    } catch (CrashingLog.Crash crash) {
      tx = log.inner.records().isEmpty() ? null : log.inner.records().get(0).transactionId();
    }
    log.disarm();
    // After the crash, faults keep going: the same step still fails on the resumed run.
    List<Outcome> recovered = coordinator(log, saga).recover();
    assertThat(recovered).allMatch(Outcome::isClean);
    assertThat(LogReplay.unfinished(log, "saga")).isEmpty();
    if (tx == null) {
      assertThat(shop.applied).isEmpty();
      return;
    }
    List<String> appliedSteps = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      if (shop.applied.contains(tx + "/s" + i)) {
        appliedSteps.add("s" + i);
      }
    }
    boolean failed = shop.failing.size() + shop.unknown.size() > 0;
    if (appliedSteps.size() == steps) {
      assertThat(failed).as("all applied only when nothing failed").isFalse();
      assertThat(shop.compensated).isEmpty();
    } else {
      assertThat(appliedSteps).as("nothing left applied after turning back").isEmpty();
      // Compensations ran in strictly descending step order.
      List<Integer> order = shop.compensated.stream().map(k -> Integer.parseInt(k.substring(k.lastIndexOf("/s") + 2))).toList();
      assertThat(order).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
      assertThat(order).doesNotHaveDuplicates();
    }
  }

  private static SagaCoordinator coordinator(CrashingLog log, SagaDefinition saga) {
    return SagaCoordinator.builder()
        .log(log)
        .definition(saga)
        .executor(Runnable::run)
        .scheduler(d -> {})
        .random(new Random(3))
        .build();
  }
}
