package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.BusinessRefusalException;
import dev.settle.core.FailureKind;
import dev.settle.core.Outcome;
import dev.settle.core.ParticipantTimeoutException;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A rolled-back TCC outcome names the branch whose Try failed and carries what it threw. */
class RollbackCauseTest {
  private static final RuntimeException REFUSED = new IllegalStateException("insufficient funds");

  private static TccParticipant participant(String name, Runnable onTry) {
    return new TccParticipant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void tryReserve(TccContext context) {
        onTry.run();
      }

      @Override
      public void confirm(TccContext context) {}

      @Override
      public void cancel(TccContext context) {}
    };
  }

  @Test
  void aRefusedTryIsTheCauseItselfNotOnlyText() {
    TccParticipant ok = participant("ok", () -> {});
    TccParticipant refusing = participant("refusing", () -> {
      throw REFUSED;
    });
    try (TccCoordinator coordinator = TccCoordinator.builder().log(new InMemoryTransactionLog()).build()) {
      Outcome outcome =
          coordinator.execute(
              TccTransaction.builder().branch("credit", ok, "x").branch("debit", refusing, "x").build());
      assertThat(outcome)
          .isInstanceOfSatisfying(
              Outcome.RolledBack.class,
              rolledBack -> {
                assertThat(rolledBack.failedBranch()).isEqualTo(new BranchId("debit"));
                assertThat(rolledBack.cause()).isSameAs(REFUSED);
                assertThat(rolledBack.reason()).contains("debit", "insufficient funds");
                assertThat(rolledBack.failureKind()).contains(FailureKind.PARTICIPANT_FAILURE);
              });
    }
  }

  @Test
  void aTryThatNeverAnswersIsCarriedAsATimeout() {
    TccParticipant slow = participant("slow", () -> sleep(Duration.ofMillis(500)));
    try (TccCoordinator coordinator =
        TccCoordinator.builder().log(new InMemoryTransactionLog()).tryTimeout(Duration.ofMillis(50)).build()) {
      Outcome outcome = coordinator.execute(TccTransaction.builder().branch("debit", slow, "x").build());
      assertThat(outcome)
          .isInstanceOfSatisfying(
              Outcome.RolledBack.class,
              rolledBack -> {
                assertThat(rolledBack.failedBranch()).isEqualTo(new BranchId("debit"));
                assertThat(rolledBack.cause()).isInstanceOf(ParticipantTimeoutException.class);
                assertThat(rolledBack.failureKind()).contains(FailureKind.TIMEOUT);
              });
    }
  }

  @Test
  void aBusinessRefusalIsCountedApartFromBreakdowns() {
    TccParticipant refusing = participant("refusing", () -> {
      throw new BusinessRefusalException("insufficient funds");
    });
    try (TccCoordinator coordinator = TccCoordinator.builder().log(new InMemoryTransactionLog()).build()) {
      Outcome outcome = coordinator.execute(TccTransaction.builder().branch("debit", refusing, "x").build());
      assertThat(outcome.failureKind()).contains(FailureKind.BUSINESS_REFUSAL);
      Outcome committed =
          coordinator.execute(TccTransaction.builder().branch("debit", participant("ok", () -> {}), "x").build());
      assertThat(committed.failureKind()).isEmpty();
    }
  }

  @Test
  void aCleanCommitCarriesNoCauseAndAPlainRollbackNone() {
    Outcome.RolledBack plain = new Outcome.RolledBack(new dev.settle.core.TransactionId("t"), java.util.Map.of(), "why");
    assertThat(plain.failedBranch()).isNull();
    assertThat(plain.cause()).isNull();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
