package dev.settle.examples.boot;

import java.nio.charset.StandardCharsets;

/**
 * What one branch of a transfer does to one account: the branch's payload, so that confirm,
 * cancel and recovery after a restart know it without asking anyone.
 *
 * @param direction debit (money leaves the account) or credit (money arrives)
 * @param account the account's id in its bank
 * @param amount in cents, positive
 */
record Movement(Direction direction, String account, long amount) {
  /** Which way the money goes. */
  enum Direction {
    DEBIT,
    CREDIT
  }

  /** The payload: {@code debit:alice:100}. */
  byte[] encode() {
    return (direction.name().toLowerCase(java.util.Locale.ROOT) + ":" + account + ":" + amount)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The movement a payload of {@link #encode()} describes. */
  static Movement decode(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a movement: \"" + text + "\"");
    }
    return new Movement(
        Direction.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT)), parts[1], Long.parseLong(parts[2]));
  }
}
