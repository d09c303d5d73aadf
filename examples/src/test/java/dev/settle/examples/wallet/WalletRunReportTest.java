package dev.settle.examples.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression for issue 14, defect 5: when a recovery pass finished a transaction and then crashed
 * on a later one, the finished outcome was dropped and the report claimed an in-doubt transfer
 * although the log held no unfinished transaction and the totals were intact.
 */
class WalletRunReportTest {
  @ParameterizedTest
  @EnumSource(Protocol.class)
  void theReportCountsWhatTheLogSaysNotWhatARecoveryPassReturned(Protocol protocol) throws InterruptedException {
    // The flags of the report: wallet --protocol P --seed 11 --transfers 5000 --threads 1
    //   --fault-rate 0.2 --crash-every 3 --shards 2 --accounts 2
    WalletReport report = WalletRun.run(new WalletConfig(protocol, 2, 2, 5000, 1, 0.2, 3, 11), line -> {});
    assertThat(report.inDoubt()).as(report.toJson()).isZero();
    assertThat(report.invariantsHold()).as(report.toJson()).isTrue();
    assertThat(report.committed() + report.rolledBack()).isEqualTo(report.transfers());
  }
}
