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
}
