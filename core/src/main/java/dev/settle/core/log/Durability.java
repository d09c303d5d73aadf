package dev.settle.core.log;

/** When a durable log's appends reach the disk. */
public enum Durability {
  /** Every forced append calls {@code force} itself: simplest, one disk flush per decision. */
  FORCE_EACH,
  /**
   * Forced appends that arrive together share one flush: the first waiting appender flushes
   * everything written so far and wakes the others. The default; what makes many concurrent
   * transactions cheap.
   */
  GROUP_COMMIT,
  /** Never flush: for tests and benchmarks only; a power cut loses recent records. */
  NONE
}
