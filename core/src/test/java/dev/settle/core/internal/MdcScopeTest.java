package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.TransactionId;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class MdcScopeTest {
  @Test
  void putsTheTransactionIdAndRestoresTheOuterOne() {
    try (MdcScope outer = MdcScope.open(TransactionId.of("outer"))) {
      assertThat(MDC.get(MdcScope.KEY)).isEqualTo("outer");
      try (MdcScope inner = MdcScope.open(TransactionId.of("inner"))) {
        assertThat(MDC.get(MdcScope.KEY)).isEqualTo("inner");
      }
      assertThat(MDC.get(MdcScope.KEY)).isEqualTo("outer");
    }
    assertThat(MDC.get(MdcScope.KEY)).isNull();
  }
  /**
   * A pooled worker runs branches of many transactions: each task carries its caller's MDC (a
   * request id, say) and the transaction id, and leaves the worker's own MDC as it found it.
   */
  @Test
  void onAWorkerTheCallersContextIsCarriedAndTheWorkersOwnIsRestored() {
    MDC.put("request", "r-7");
    java.util.Map<String, String> caller = MdcScope.callerContext();
    MDC.clear();
    assertThat(MdcScope.callerContext()).isNullOrEmpty();

    MDC.put("worker", "pool-1");
    try (MdcScope scope = MdcScope.onWorker(TransactionId.of("t1"), caller)) {
      assertThat(MDC.get("request")).isEqualTo("r-7");
      assertThat(MDC.get("worker")).as("the caller's context replaces the worker's").isNull();
      assertThat(MDC.get(MdcScope.KEY)).isEqualTo("t1");
    }
    assertThat(MDC.getCopyOfContextMap()).containsExactly(java.util.Map.entry("worker", "pool-1"));

    try (MdcScope scope = MdcScope.onWorker(TransactionId.of("t2"), null)) {
      assertThat(MDC.getCopyOfContextMap()).containsExactly(java.util.Map.entry(MdcScope.KEY, "t2"));
    }
    assertThat(MDC.get("worker")).isEqualTo("pool-1");
    MDC.clear();
    try (MdcScope scope = MdcScope.onWorker(TransactionId.of("t3"), caller)) {
      assertThat(MDC.get(MdcScope.KEY)).isEqualTo("t3");
    }
    assertThat(MdcScope.callerContext()).as("an empty worker MDC stays empty").isNullOrEmpty();
  }
}
