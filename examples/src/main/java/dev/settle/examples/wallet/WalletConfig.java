package dev.settle.examples.wallet;

/**
 * The settings of one wallet run, checked on construction.
 *
 * @param protocol how money moves
 * @param shards storage nodes
 * @param accounts accounts, spread over the shards
 * @param transfers random transfers to make
 * @param threads client threads (1 gives a run that replays exactly from its seed)
 * @param faultRate the probability of each kind of fault per participant call, 0 to 0.2
 * @param crashEvery crash the coordinator at every K-th log append (0: never)
 * @param crashRate crash the coordinator at each log append with this probability, drawn from the
 *     seed (0: never); covers every append position, where a fixed interval always strikes the
 *     same record. At most one of {@code crashEvery} and {@code crashRate} is set
 * @param seed the seed of every random choice
 */
public record WalletConfig(
    Protocol protocol,
    int shards,
    int accounts,
    int transfers,
    int threads,
    double faultRate,
    int crashEvery,
    double crashRate,
    long seed) {
  /** Cents every account opens with. */
  public static final long OPENING_CENTS = 10_000;

  /** Checks every field, with messages that name the flag. */
  public WalletConfig {
    if (protocol == null) {
      throw new IllegalArgumentException("--protocol is required: 2pc, tcc or saga");
    }
    positive(shards, "--shards");
    if (accounts < 2) {
      throw new IllegalArgumentException("--accounts must be at least 2, was " + accounts);
    }
    if (transfers < 0) {
      throw new IllegalArgumentException("--transfers must not be negative, was " + transfers);
    }
    positive(threads, "--threads");
    if (!(faultRate >= 0 && faultRate <= 0.2)) {
      throw new IllegalArgumentException("--fault-rate must be between 0 and 0.2, was " + faultRate);
    }
    if (crashEvery < 0) {
      throw new IllegalArgumentException("--crash-every must not be negative, was " + crashEvery);
    }
    if (!(crashRate >= 0 && crashRate <= 0.5)) {
      throw new IllegalArgumentException("--crash-rate must be between 0 and 0.5, was " + crashRate);
    }
    if (crashEvery > 0 && crashRate > 0) {
      throw new IllegalArgumentException("choose one of --crash-every and --crash-rate, not both");
    }
  }

  /** A run that crashes at a fixed interval of log appends, or never. */
  public WalletConfig(
      Protocol protocol,
      int shards,
      int accounts,
      int transfers,
      int threads,
      double faultRate,
      int crashEvery,
      long seed) {
    this(protocol, shards, accounts, transfers, threads, faultRate, crashEvery, 0, seed);
  }

  private static void positive(int value, String flag) {
    if (value < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1, was " + value);
    }
  }
}
