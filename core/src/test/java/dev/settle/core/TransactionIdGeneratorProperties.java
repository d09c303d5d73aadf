package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Time-ordered ids stay unique and sorted whatever the clock does, and are a pure function of the
 * seed and the clock (the testkit's replays depend on it).
 */
class TransactionIdGeneratorProperties {
  @Test
  void idsAreUniqueAndSortInCreationOrderEvenWhenTheClockJumpsBack() {
    qt().withExamples(1000)
        .forAll(longs().all(), lists().of(integers().between(-5, 5)).ofSizeBetween(1, 200))
        .checkAssert(
            (seed, steps) -> {
              ManualClock clock = new ManualClock(1_700_000_000_000L);
              TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, new Random(seed));
              List<TransactionId> made = new ArrayList<>();
              for (int step : steps) {
                clock.set(clock.millis() + step);
                made.add(ids.next());
              }
              assertThat(new HashSet<>(made)).hasSize(made.size());
              assertThat(made).isSorted();
              assertThat(made).allSatisfy(id -> assertThat(id.value()).hasSize(26));
            });
  }

  @Test
  void theSameSeedAndClockMakeTheSameIds() {
    qt().withExamples(50)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              ManualClock a = new ManualClock(42);
              ManualClock b = new ManualClock(42);
              TransactionIdGenerator first = TransactionIdGenerator.timeOrdered(a, new Random(seed));
              TransactionIdGenerator second = TransactionIdGenerator.timeOrdered(b, new Random(seed));
              for (int i = 0; i < 20; i++) {
                assertThat(first.next()).isEqualTo(second.next());
                a.set(a.millis() + i % 3);
                b.set(b.millis() + i % 3);
              }
            });
  }

  @Test
  void laterMillisecondsSortAfterEarlierOnes() {
    qt().withExamples(20)
        .forAll(integers().between(1, 1_000_000))
        .checkAssert(
            gap -> {
              ManualClock clock = new ManualClock(0);
              TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, new Random(gap));
              TransactionId early = ids.next();
              clock.set(gap);
              assertThat(ids.next()).isGreaterThan(early);
            });
  }

  @Test
  void threadsTakingIdsAtOnceNeverGetTheSameOneAndEachSeesThemRise() throws Exception {
    // No lock: a compare-and-set on the last id. Four threads on one millisecond (the clock does
    // not move) race on every id; a lost update would hand two threads the same one.
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, new Random(7));
    int threads = 4;
    int each = 20_000;
    List<List<TransactionId>> taken = new ArrayList<>();
    List<Thread> running = new ArrayList<>();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      List<TransactionId> mine = new ArrayList<>(each);
      taken.add(mine);
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  mine.add(ids.next());
                }
              });
      thread.start();
      running.add(thread);
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }
    HashSet<TransactionId> all = new HashSet<>();
    for (List<TransactionId> mine : taken) {
      assertThat(mine).hasSize(each).isSorted();
      all.addAll(mine);
    }
    assertThat(all).hasSize(threads * each);
  }
}
