package dev.settle.core;

import dev.settle.core.TransactionId;
import dev.settle.core.TransactionIdGenerator;
import java.time.Clock;
import java.util.Random;

/**
 * ULID-style ids: 10 Crockford base-32 characters of milliseconds, then 16 of randomness. Within
 * one millisecond (or when the clock steps back) the random part is incremented instead of drawn
 * anew, so ids stay unique and strictly increasing in creation order.
 */
final class TimeOrderedIdGenerator implements TransactionIdGenerator {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private final Clock clock;
  private final Random random;
  private long lastMillis = -1;
  private long randomHigh; // 16 bits used
  private long randomLow; // 64 bits used

  public TimeOrderedIdGenerator(Clock clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public synchronized TransactionId next() {
    long now = clock.millis();
    if (now > lastMillis) {
      lastMillis = now;
      randomHigh = random.nextInt(1 << 16);
      randomLow = random.nextLong();
    } else {
      // Same millisecond, or the clock jumped back: keep the old time and count up.
      randomLow++;
      if (randomLow == 0) {
        randomHigh = (randomHigh + 1) & 0xFFFF;
        if (randomHigh == 0) {
          lastMillis++; // 80 bits overflowed: borrow the next millisecond.
        }
      }
    }
    char[] out = new char[26];
    long time = lastMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    // 80 random bits = 16 characters of 5 bits, most significant first.
    for (int i = 0; i < 16; i++) {
      int shift = 75 - 5 * i;
      out[10 + i] = ALPHABET[(int) bits80(shift)];
    }
    return new TransactionId(new String(out));
  }

  private long bits80(int shift) {
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
