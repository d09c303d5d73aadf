package dev.settle.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.BranchId;
import dev.settle.core.FailureKind;
import dev.settle.core.Outcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The JDBC fence inside Spring-managed transactions, on a real database: {@link
 * TransactionalTccParticipant}s written with {@code JdbcTemplate} only, their changes and the fence
 * rows committing and rolling back together. Run on H2 and on PostgreSQL by the subclasses.
 */
@SpringBootTest(
    classes = BankApp.class,
    properties = {"settle.fence.create-schema=true", "settle.recovery.interval=0s"})
abstract class FencedTransferContract {
  @Autowired Bank bank;
  @Autowired Bank.Debit debit;
  @Autowired JdbcTemplate jdbc;

  @BeforeEach
  void freshAccounts() {
    bank.open("a", 1000);
    bank.open("b", 0);
    jdbc.update("DELETE FROM settle_tcc_fence");
    debit.failAfterWriting = false;
  }

  @Test
  void aCommittedTransferCommitsTheBusinessRowsAndTheFenceRowsTogether() {
    Outcome outcome = bank.transfer("a", "b", 100);

    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(bank.account("a")).containsExactly(900, 0, 0);
    assertThat(bank.account("b")).containsExactly(100, 0, 0);
    assertThat(bank.fenceRows("C")).isEqualTo(2);
    assertThat(bank.fenceRows("T")).isZero();
  }

  @Test
  void aTryThatFailsAfterWritingRollsBackItsChangeAndItsFenceRowTogether() {
    debit.failAfterWriting = true;

    Outcome outcome = bank.transfer("a", "b", 100);

    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(((Outcome.RolledBack) outcome).failedBranch()).isEqualTo(BranchId.of("debit"));
    assertThat(bank.account("a")).containsExactly(1000, 0, 0);
    assertThat(bank.account("b")).containsExactly(0, 0, 0);
    // Had the debit's Try row survived its rollback, the Cancel would have moved it to X; with
    // no row, the Cancel leaves the "cancelled before try" mark B.
    assertThat(debitFenceState(outcome)).isEqualTo("B");
    assertThat(bank.fenceRows("T")).isZero();
  }

  @Test
  void aTransferTheDebitCannotPayIsRolledBackNamingTheRefusingBranch() {
    Outcome outcome = bank.transfer("a", "b", 5000);

    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(((Outcome.RolledBack) outcome).failedBranch()).isEqualTo(BranchId.of("debit"));
    assertThat(outcome.failureKind()).contains(FailureKind.BUSINESS_REFUSAL);
    assertThat(bank.account("a")).containsExactly(1000, 0, 0);
    assertThat(bank.account("b")).containsExactly(0, 0, 0);
  }

  @Test
  void aTransferToAnUnknownAccountIsRolledBackAndTheDebitReturned() {
    Outcome outcome = bank.transfer("a", "nobody", 100);

    assertThat(outcome).isInstanceOf(Outcome.RolledBack.class);
    assertThat(((Outcome.RolledBack) outcome).failedBranch()).isEqualTo(BranchId.of("credit"));
    assertThat(bank.account("a")).containsExactly(1000, 0, 0);
    assertThat(bank.fenceRows("T")).isZero();
  }

  private String debitFenceState(Outcome outcome) {
    return jdbc.queryForObject(
        "SELECT state FROM settle_tcc_fence WHERE tx_id = ? AND branch_id = 'debit'",
        String.class,
        outcome.transactionId().value());
  }
}
