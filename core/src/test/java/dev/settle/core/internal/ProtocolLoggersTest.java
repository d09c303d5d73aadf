package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtocolLoggersTest {
  @Test
  void eachProtocolLogsUnderItsModulesPackage() {
    assertThat(ProtocolLoggers.name("2pc")).isEqualTo("dev.settle.twopc");
    assertThat(ProtocolLoggers.name("tcc")).isEqualTo("dev.settle.tcc");
    assertThat(ProtocolLoggers.name("saga")).isEqualTo("dev.settle.saga");
    assertThat(ProtocolLoggers.of("tcc").getName()).isEqualTo("dev.settle.tcc");
  }
}
