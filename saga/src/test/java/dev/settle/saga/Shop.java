package dev.settle.saga;

import dev.settle.saga.spi.StepAction;

import dev.settle.core.ParticipantTimeoutException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A test world for sagas: every step's effect is a key in a set, applied and compensated
 * idempotently (keyed by transaction and step), and every compensation is recorded in order.
 */
final class Shop {
  final Set<String> applied = new HashSet<>();
  final List<String> compensated = new ArrayList<>();
  final Set<String> failing = new HashSet<>();
  final Set<String> unknown = new HashSet<>();
  final Set<String> brokenCompensations = new HashSet<>();
  boolean duplicateEverything;

  StepAction action(String step) {
    return ctx -> {
      String key = ctx.transactionId() + "/" + step;
      if (failing.contains(step)) {
        throw new IllegalStateException(step + " refused");
      }
      applied.add(key);
      if (duplicateEverything) {
        applied.add(key); // a second delivery of the same call: idempotent
      }
      if (unknown.contains(step)) {
        // Took effect, but the answer was lost.
        throw new ParticipantTimeoutException(ctx.transactionId(), ctx.step(), "answer lost");
      }
    };
  }

  StepAction compensation(String step) {
    return ctx -> {
      if (brokenCompensations.contains(step)) {
        throw new IllegalStateException("compensation of " + step + " is down");
      }
      String key = ctx.transactionId() + "/" + step;
      boolean removed = applied.remove(key);
      if (duplicateEverything) {
        applied.remove(key);
      }
      if (removed || !compensated.contains(key)) {
        compensated.add(key);
      }
    };
  }

  SagaDefinition saga(String name, int steps) {
    SagaDefinition.Builder b = SagaDefinition.builder(name);
    for (int i = 0; i < steps; i++) {
      b.step("s" + i, action("s" + i), compensation("s" + i));
    }
    return b.build();
  }
}
