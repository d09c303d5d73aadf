package dev.settle.examples.wallet;

/** The three ways the wallet can move money. */
public enum Protocol {
  /** Two-phase commit: shards prepare with locks held, then commit. */
  TWO_PC("2pc"),
  /** Try-Confirm/Cancel: reserve, then confirm or cancel, behind the fence. */
  TCC("tcc"),
  /** A saga: debit, then credit; compensate in reverse on failure. */
  SAGA("saga");

  private final String flag;

  Protocol(String flag) {
    this.flag = flag;
  }

  /** The name used on the command line and in JSON. */
  public String flag() {
    return flag;
  }

  /** The protocol named {@code flag} ("2pc", "tcc", "saga"). */
  public static Protocol of(String flag) {
    for (Protocol p : values()) {
      if (p.flag.equalsIgnoreCase(flag)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown protocol \"" + flag + "\"; use 2pc, tcc or saga");
  }
}
