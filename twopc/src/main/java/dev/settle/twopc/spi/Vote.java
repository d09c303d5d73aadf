package dev.settle.twopc.spi;


/** A participant's answer to prepare. */
public enum Vote {
  /** Prepared: it will commit or roll back as told, even after a crash. */
  PREPARED,
  /** It changed nothing: it needs no phase two. */
  READ_ONLY,
  /** It cannot commit and has already rolled its branch back. */
  ABORT
}
