package dev.settle.examples.boot;

/**
 * One account row.
 *
 * @param id unique across both banks
 * @param balance spendable money, in cents
 * @param reserved money held by a debit whose transfer has not ended
 * @param incoming money a credit has announced but not yet applied
 */
record Account(String id, long balance, long reserved, long incoming) {
  /** A new account with {@code balance} and nothing reserved or incoming. */
  static Account opening(String id, long balance) {
    return new Account(id, balance, 0, 0);
  }
}
