package dev.settle.examples.remote;

import dev.settle.examples.wallet.WalletReport;

/**
 * A coordinator process's summary over remote shards: the usual wallet report, plus how many
 * reported outcomes were checked against the shards' fence records and how many of those the
 * shards contradict.
 *
 * @param wallet the usual summary, totals and counts over every shard
 * @param shards how many shards took part
 * @param checked reported outcomes (committed or rolled back) checked against the shards
 * @param untruthful checked outcomes the shards contradict (must be 0): a committed transfer
 *     with a branch not applied, or a rolled-back one with a branch applied
 */
public record RemoteReport(WalletReport wallet, int shards, long checked, long untruthful) {
  /** Whether every invariant held, truthful outcomes included. */
  public boolean invariantsHold() {
    return wallet.invariantsHold() && untruthful == 0;
  }

  /** The usual JSON line with {@code shards}, {@code checked} and {@code untruthful} added. */
  public String toJson() {
    String json = wallet.toJson();
    return json.substring(0, json.length() - 1) + ",\"shards\":" + shards + ",\"checked\":" + checked
        + ",\"untruthful\":" + untruthful + "}";
  }
}
