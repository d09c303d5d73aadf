package dev.settle.tcc.fence;

/** What a branch's fence record says has happened to it. */
public enum FenceState {
  /** The Try committed locally; a Confirm or Cancel is still due. */
  TRIED,
  /** The Confirm committed locally. */
  CONFIRMED,
  /** The Cancel undid a Try. */
  CANCELLED,
  /**
   * The source's flag "cancel seen, try not seen": a Cancel arrived with no Try record, did
   * nothing, and left this so that the Try, if it ever arrives, is refused.
   */
  CANCELLED_BEFORE_TRY;

  /** The one-letter code stored in the JDBC fence table. */
  public char code() {
    return switch (this) {
      case TRIED -> 'T';
      case CONFIRMED -> 'C';
      case CANCELLED -> 'X';
      case CANCELLED_BEFORE_TRY -> 'B';
    };
  }

  /** The state for a stored code. */
  public static FenceState ofCode(char code) {
    return switch (code) {
      case 'T' -> TRIED;
      case 'C' -> CONFIRMED;
      case 'X' -> CANCELLED;
      case 'B' -> CANCELLED_BEFORE_TRY;
      default -> throw new IllegalArgumentException("unknown fence state code '" + code + "'");
    };
  }
}
