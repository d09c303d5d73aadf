package dev.settle.core;

import dev.settle.core.TransactionId;
import dev.settle.core.TransactionIdGenerator;
import java.time.Clock;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ULID-style ids: 10 Crockford base-32 characters of milliseconds, then 16 of randomness. Within
 * one millisecond (or when the clock steps back) the random part is incremented instead of drawn
 * anew, so ids stay unique and strictly increasing in creation order.
 */
final class TimeOrderedIdGenerator implements TransactionIdGenerator {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  /** The last id's time and random part; replaced whole, so that a reader never sees half of one. */
  private record Last(long millis, long high, long low) {}

  private final Clock clock;
  private final Random random;
  // A compare-and-set on one reference rather than a lock: every transaction of every thread takes
  // an id, and a lock here made the threads queue behind each other.
  private final AtomicReference<Last> last = new AtomicReference<>(new Last(-1, 0, 0));

  public TimeOrderedIdGenerator(Clock clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public TransactionId next() {
    Last next;
    while (true) {
      Last before = Objects.requireNonNull(last.get()); // set in the constructor, never cleared
      long now = clock.millis();
      if (now > before.millis()) {
        next = new Last(now, random.nextInt(1 << 16), random.nextLong());
      } else {
        // Same millisecond, or the clock jumped back: keep the old time and count up.
        long millis = before.millis();
        long high = before.high();
        long low = before.low() + 1;
        if (low == 0) {
          high = (high + 1) & 0xFFFF;
          if (high == 0) {
            millis++; // 80 bits overflowed: borrow the next millisecond.
          }
        }
        next = new Last(millis, high, low);
      }
      if (last.compareAndSet(before, next)) {
        break;
      }
    }
    char[] out = new char[26];
    long time = next.millis();
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    // 80 random bits = 16 characters of 5 bits, most significant first.
    for (int i = 0; i < 16; i++) {
      int shift = 75 - 5 * i;
      out[10 + i] = ALPHABET[(int) bits80(next.high(), next.low(), shift)];
    }
    return new TransactionId(new String(out));
  }

  private static long bits80(long randomHigh, long randomLow, int shift) {
    // Bits [shift, shift + 5) of the 80-bit number randomHigh:randomLow.
    if (shift >= 64) {
      return (randomHigh >>> (shift - 64)) & 31;
    }
    if (shift > 59) {
      long low = randomLow >>> shift;
      long high = randomHigh << (64 - shift);
      return (low | high) & 31;
    }
    return (randomLow >>> shift) & 31;
  }
}
