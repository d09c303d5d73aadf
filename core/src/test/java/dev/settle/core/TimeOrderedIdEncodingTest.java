package dev.settle.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The id's text is exactly its time and its 80 random bits in Crockford base 32: what makes ids
 * unique across generators is those bits, so every one of them must reach the text.
 */
class TimeOrderedIdEncodingTest {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  /** A random source that hands out chosen values, to know the bits an id must carry. */
  private static Random fixed(int high, long low) {
    return new Random() {
      @Override
      public int nextInt(int bound) {
        return high;
      }

      @Override
      public long nextLong() {
        return low;
      }
    };
  }

  private static BigInteger decode(String text) {
    BigInteger value = BigInteger.ZERO;
    for (char c : text.toCharArray()) {
      value = value.shiftLeft(5).add(BigInteger.valueOf(ALPHABET.indexOf(c)));
    }
    return value;
  }

  @Test
  void everyBitOfTheTimeAndOfTheRandomPartReachesTheText() {
    long[] lows = {0L, 1L, -1L, 0x8000_0000_0000_0000L, 0x0123_4567_89AB_CDEFL, 0xF000_0000_0000_000FL};
    int[] highs = {0, 1, 0xFFFF, 0x8001, 0x1234};
    for (long low : lows) {
      for (int high : highs) {
        long millis = 1_700_000_000_123L;
        TransactionId id = TransactionIdGenerator.timeOrdered(new ManualClock(millis), fixed(high, low)).next();
        String text = id.value();
        assertThat(text).hasSize(26);
        assertThat(decode(text.substring(0, 10))).isEqualTo(BigInteger.valueOf(millis));
        BigInteger expected = BigInteger.valueOf(high).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
        assertThat(decode(text.substring(10))).as("high %x low %x", high, low).isEqualTo(expected);
      }
    }
  }

  @Test
  void withinOneMillisecondTheRandomPartCountsUpAcrossItsSixtyFourBitBoundary() {
    ManualClock clock = new ManualClock(5);
    TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, fixed(7, -1L));
    String first = ids.next().value();
    String second = ids.next().value();
    BigInteger a = decode(first.substring(10));
    BigInteger b = decode(second.substring(10));
    assertThat(b.subtract(a)).isEqualTo(BigInteger.ONE);
    assertThat(b.shiftRight(64).intValue()).isEqualTo(8); // the carry went into the high bits
    assertThat(second).isGreaterThan(first);
  }
  /**
   * When all 80 bits are used up within one millisecond, the next id borrows the next
   * millisecond: ids stay unique and ordered rather than wrapping around to a smaller one.
   */
  @Test
  void whenAllEightyBitsOverflowTheNextIdMovesToTheNextMillisecond() {
    ManualClock clock = new ManualClock(5);
    TransactionIdGenerator ids = TransactionIdGenerator.timeOrdered(clock, fixed(0xFFFF, -1L));
    String first = ids.next().value();
    String second = ids.next().value();
    assertThat(decode(first.substring(0, 10))).isEqualTo(BigInteger.valueOf(5));
    assertThat(decode(second.substring(0, 10))).isEqualTo(BigInteger.valueOf(6));
    assertThat(decode(second.substring(10))).isEqualTo(BigInteger.ZERO);
    assertThat(second).isGreaterThan(first);
    // The clock catching up to the borrowed millisecond does not go back below it either.
    clock.advance(java.time.Duration.ofMillis(1));
    String third = ids.next().value();
    assertThat(third).isGreaterThan(second);
    assertThat(decode(third.substring(0, 10))).isEqualTo(BigInteger.valueOf(6));
  }
}
