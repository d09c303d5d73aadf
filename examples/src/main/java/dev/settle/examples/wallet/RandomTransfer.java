package dev.settle.examples.wallet;

import java.util.Random;

/**
 * One random transfer between two different accounts {@code a0 .. a<accounts-1>}, of 1 to 500
 * cents: what every wallet run draws, from one seeded sequence or by its number.
 *
 * @param from the account debited
 * @param to the account credited, never {@code from}
 * @param cents the amount
 */
public record RandomTransfer(String from, String to, long cents) {
  /** The next transfer of {@code random}'s sequence. */
  public static RandomTransfer next(Random random, int accounts) {
    int from = random.nextInt(accounts);
    int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
    long cents = 1 + random.nextInt(500);
    return new RandomTransfer("a" + from, "a" + to, cents);
  }

  /**
   * Transfer number {@code index} of the run seeded {@code seed}: the same whichever thread draws
   * it and in whatever order, so a run with several threads makes the same transfers every time.
   */
  public static RandomTransfer numbered(long seed, long index, int accounts) {
    return next(new Random(seed * 1_000_003L + index), accounts);
  }
}
