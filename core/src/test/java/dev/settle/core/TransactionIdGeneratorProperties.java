package dev.settle.core;

import dev.settle.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TransactionIdGeneratorProperties {
  @Property
  void idsAreUniqueAndSortInCreationOrderEvenWhenTheClockJumpsBack(
      @ForAll long seed, @ForAll @Size(min = 1, max = 200) List<@IntRange(min = -5, max = 5) Integer> steps) {
    MutableClock clock = new MutableClock(1_700_000_000_000L);
    TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, new Random(seed));
    List<TransactionId> made = new ArrayList<>();
    for (int step : steps) {
      clock.set(clock.millis() + step);
      made.add(ids.next());
    }
    assertThat(new HashSet<>(made)).hasSize(made.size());
    assertThat(made).isSorted();
    assertThat(made).allSatisfy(id -> assertThat(id.value()).hasSize(26));
  }

  @Property(tries = 50)
  void theSameSeedAndClockMakeTheSameIds(@ForAll long seed) {
    MutableClock a = new MutableClock(42);
    MutableClock b = new MutableClock(42);
    TransactionIdGenerator first = TransactionIdGenerator.timeOrdered(a, new Random(seed));
    TransactionIdGenerator second = TransactionIdGenerator.timeOrdered(b, new Random(seed));
    for (int i = 0; i < 20; i++) {
      assertThat(first.next()).isEqualTo(second.next());
      a.set(a.millis() + i % 3);
      b.set(b.millis() + i % 3);
    }
  }

  @Property(tries = 20)
  void laterMillisecondsSortAfterEarlierOnes(@ForAll @IntRange(min = 1, max = 1_000_000) int gap) {
    MutableClock clock = new MutableClock(0);
    TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, new Random(gap));
    TransactionId early = ids.next();
    clock.set(gap);
    assertThat(ids.next()).isGreaterThan(early);
  }
}
