package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.LogReplay;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two recovery passes of one coordinator that overlap never drive the same transaction, and
 * neither writes to a transaction the other has ended ("safe to call at any time").
 */
class OverlappingRecoveryTest {
  private final TransactionId first = TransactionId.of("first");
  private final TransactionId second = TransactionId.of("second");

  @Test
  void aPassStartedDuringAnotherDrivesOnlyWhatTheOtherHasNotTaken() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    for (TransactionId tx : List.of(first, second)) {
      log.append(
          List.of(
              new LogRecord.Begin(tx, TccCoordinator.PROTOCOL, 0, Long.MAX_VALUE),
              new LogRecord.BranchRegistered(tx, BranchId.of("b"), "p", new byte[0]),
              new LogRecord.Decided(tx, Decision.COMMIT)),
          true);
    }
    List<TransactionId> confirmed = new ArrayList<>();
    List<Outcome> nested = new ArrayList<>();
    TccCoordinator[] coordinator = new TccCoordinator[1];
    TccParticipant participant =
        new TccParticipant() {
          @Override
          public String name() {
            return "p";
          }

          @Override
          public void tryReserve(TccContext context) {}

          @Override
          public void confirm(TccContext context) {
            confirmed.add(context.transactionId());
            if (confirmed.size() == 1) {
              nested.addAll(coordinator[0].recover()); // a second pass, while this one runs
            }
          }

          @Override
          public void cancel(TccContext context) {}
        };
    coordinator[0] =
        TccCoordinator.builder()
            .log(log)
            .executor(Runnable::run)
            .scheduler(d -> {})
            .random(new Random(1))
            .participant(participant)
            .build();

    List<Outcome> outer = coordinator[0].recover();

    assertThat(outer).extracting(Outcome::transactionId).containsExactly(first);
    assertThat(nested).extracting(Outcome::transactionId).containsExactly(second);
    assertThat(confirmed).containsExactly(first, second);
    // Strict replay: no record follows an End.
    assertThat(LogReplay.all(log).values()).allSatisfy(image -> assertThat(image.ended()).isTrue());
  }
}
