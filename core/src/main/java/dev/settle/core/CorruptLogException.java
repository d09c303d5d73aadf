package dev.settle.core;

/** A log record failed its checks: wrong checksum, unknown type, truncated field. */
public class CorruptLogException extends TransactionLogException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  /** Corruption found at {@code offset} bytes into the record or file (-1 if unknown). */
  public CorruptLogException(String message, long offset) {
    super(offset < 0 ? message : message + " (at byte offset " + offset + ")", null);
    this.offset = offset;
  }

  /** The byte offset where the corruption was found, or -1 if unknown. */
  public long offset() {
    return offset;
  }
}
