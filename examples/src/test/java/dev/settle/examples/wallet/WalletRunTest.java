package dev.settle.examples.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class WalletRunTest {
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void everyProtocolKeepsEveryInvariantOverManySeeds(Protocol protocol) throws InterruptedException {
    long crashes = 0;
    long cancelBeforeTry = 0;
    for (long seed = 1; seed <= 25; seed++) {
      WalletReport report =
          new WalletRun(new WalletConfig(protocol, 3, 12, 800, 1, 0.03, (int) (13 + seed), seed)).run();
      assertThat(report.invariantsHold()).as("seed %d: %s", seed, report.toJson()).isTrue();
      assertThat(report.committed() + report.rolledBack()).isEqualTo(800);
      crashes += report.crashes();
      cancelBeforeTry += report.faults().cancelBeforeTry();
    }
    assertThat(crashes).isPositive();
    assertThat(cancelBeforeTry).as("held calls overtaken by a later call").isPositive();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void severalClientThreadsKeepTheInvariantsToo(Protocol protocol) throws InterruptedException {
    WalletReport report =
        new WalletRun(new WalletConfig(protocol, 4, 40, 4_000, 4, 0.02, 40, 99)).run();
    assertThat(report.invariantsHold()).as(report.toJson()).isTrue();
  }

  @Test
  void oneThreadReplaysExactlyFromItsSeed() throws InterruptedException {
    WalletConfig config = new WalletConfig(Protocol.TCC, 3, 20, 1_000, 1, 0.05, 17, 4242);
    WalletReport first = new WalletRun(config).run();
    WalletReport second = new WalletRun(config).run();
    assertThat(second.committed()).isEqualTo(first.committed());
    assertThat(second.faults()).isEqualTo(first.faults());
    assertThat(second.crashes()).isEqualTo(first.crashes());
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void aSeededCrashRateStrikesEveryAppendPositionAndTheInvariantsHold(Protocol protocol) throws InterruptedException {
    // With a fixed interval, TCC's three appends per transfer and --crash-every 3 always strike the
    // same record; a rate strikes them all, and the run replays from its seed.
    WalletConfig config = new WalletConfig(protocol, 2, 6, 600, 1, 0.05, 0, 0.3, 7);
    WalletReport first = WalletRun.run(config, line -> {});
    WalletReport second = WalletRun.run(config, line -> {});
    assertThat(first.invariantsHold()).as(first.toJson()).isTrue();
    assertThat(first.crashes()).isGreaterThan(100);
    assertThat(first.committed()).isPositive();
    assertThat(second.crashes()).isEqualTo(first.crashes());
    assertThat(second.committed()).isEqualTo(first.committed());
  }

  @Test
  void badSettingsAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> new WalletConfig(Protocol.SAGA, 0, 10, 1, 1, 0, 0, 1)).hasMessageContaining("--shards");
    assertThatThrownBy(() -> new WalletConfig(Protocol.SAGA, 1, 1, 1, 1, 0, 0, 1)).hasMessageContaining("--accounts");
    assertThatThrownBy(() -> new WalletConfig(Protocol.SAGA, 1, 10, 1, 1, 0.3, 0, 1)).hasMessageContaining("--fault-rate");
    assertThatThrownBy(() -> new WalletConfig(Protocol.SAGA, 1, 10, 1, 1, 0, -1, 1)).hasMessageContaining("--crash-every");
    assertThatThrownBy(() -> new WalletConfig(Protocol.SAGA, 1, 10, 1, 1, 0, 0, 0.6, 1)).hasMessageContaining("--crash-rate");
    assertThatThrownBy(() -> new WalletConfig(Protocol.SAGA, 1, 10, 1, 1, 0, 3, 0.1, 1)).hasMessageContaining("not both");
    assertThatThrownBy(() -> Protocol.of("xa")).hasMessageContaining("unknown protocol \"xa\"");
    assertThatThrownBy(() -> new Bank(2).shardOf("nobody")).hasMessageContaining("unknown account nobody");
    assertThatThrownBy(() -> new Shard("s").open("A", -1)).hasMessageContaining("must not be negative");
  }
}
