package dev.settle.examples.wallet;

import java.nio.charset.StandardCharsets;

/**
 * One branch's change to one account, in cents: negative debits, positive credits. Its text form
 * "account:delta" is the payload logged with TCC branches.
 *
 * @param account the account
 * @param delta cents to add (negative: to take)
 */
public record Change(String account, long delta) {
  /** The logged form. */
  public byte[] toBytes() {
    return (account + ":" + delta).getBytes(StandardCharsets.UTF_8);
  }

  /** Parses the logged form. */
  public static Change fromBytes(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not a change: \"" + text + "\"");
    }
    return new Change(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
  }
}
