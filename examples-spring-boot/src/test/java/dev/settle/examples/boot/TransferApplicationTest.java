package dev.settle.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.BusinessRefusalException;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.spring.boot.SettleEndpoint;
import dev.settle.spring.boot.SettleHealthIndicator;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The application as it starts, on an in-memory H2 database (schema.sql, the starter's fence) and
 * an in-memory transaction log; the demo runner is left out so that each test runs the demo
 * itself, on freshly opened accounts.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "example.run-demo=false",
      "spring.datasource.url=jdbc:h2:mem:transfers-test;DB_CLOSE_DELAY=-1",
      "settle.log.type=memory",
      "settle.recovery.interval=0s"
    })
class TransferApplicationTest {
  @Autowired TransferDemo demo;
  @Autowired TransferService transfers;
  @Autowired JdbcTemplate jdbc;
  @Autowired SettleEndpoint endpoint;
  @Autowired SettleHealthIndicator health;
  @Autowired MeterRegistry meters;

  Summary summary;

  @BeforeEach
  void runTheDemo() {
    summary = demo.run();
  }

  @Test
  void theDemoConservesMoneyAndSettlesEveryTransfer() {
    assertThat(summary.results()).hasSize(20);
    assertThat(summary.committed()).isEqualTo(13);
    assertThat(summary.rolledBack()).isEqualTo(7);
    assertThat(summary.unsettled()).isZero();
    assertThat(summary.totalBefore()).isEqualTo(110_500);
    assertThat(summary.totalAfter()).isEqualTo(summary.totalBefore());
    assertThat(summary.heldAfter()).isZero();
    assertThat(summary.ok()).isTrue();
    assertThat(demo.accounts())
        .containsExactlyInAnyOrder(
            Account.opening("alice", 3_500),
            Account.opening("bob", 100_000),
            Account.opening("carol", 7_000),
            Account.opening("dave", 0),
            Account.opening("erin", 0),
            Account.opening("frank", 0));
  }

  @Test
  void everyRefusalNamesTheDebitAndSaysWhy() {
    List<Outcome.RolledBack> refused =
        summary.results().stream()
            .map(Summary.Result::outcome)
            .filter(Outcome.RolledBack.class::isInstance)
            .map(Outcome.RolledBack.class::cast)
            .toList();
    assertThat(refused).hasSize(7);
    assertThat(refused).allSatisfy(r -> {
      assertThat(r.failedBranch()).hasToString("debit");
      assertThat(r.cause()).isInstanceOf(BusinessRefusalException.class).hasMessageStartingWith("insufficient funds in ");
    });
  }

  @Test
  void fenceRowsMatchEveryOutcomeAndNoneIsLeftTried() {
    for (Summary.Result r : summary.results()) {
      Map<String, String> rows = fenceRows(r.outcome().transactionId());
      if (r.outcome() instanceof Outcome.Committed) {
        assertThat(rows).as("%s", r.transfer()).containsExactlyInAnyOrderEntriesOf(Map.of("debit", "C", "credit", "C"));
      } else {
        // The refused Try rolled back with its fence row; the Cancel then found no row and wrote
        // "cancelled before try". The credit's Try had succeeded, so its Cancel undid it.
        assertThat(rows).as("%s", r.transfer()).containsExactlyInAnyOrderEntriesOf(Map.of("debit", "B", "credit", "X"));
      }
    }
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM settle_tcc_fence WHERE state = 'T'", Integer.class)).isZero();
  }

  @Test
  void aRefusedTransferChangesNoAccount() {
    List<Account> before = demo.accounts();
    Outcome outcome = transfers.transfer("carol", "dave", 7_001); // carol has 7,000
    assertThat(outcome).isInstanceOfSatisfying(Outcome.RolledBack.class, r -> {
      assertThat(r.failedBranch()).hasToString("debit");
      assertThat(r.cause()).hasMessage("insufficient funds in carol: balance 7000, asked 7001");
    });
    assertThat(demo.accounts()).isEqualTo(before);
    assertThat(fenceRows(outcome.transactionId())).containsExactlyInAnyOrderEntriesOf(Map.of("debit", "B", "credit", "X"));
  }

  @Test
  void aCommittedTransferMovesTheMoneyAndHoldsNothing() {
    Outcome outcome = transfers.transfer("bob", "frank", 1_000);
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
    assertThat(demo.accounts()).contains(Account.opening("bob", 99_000), Account.opening("frank", 1_000));
  }

  @Test
  void badInputIsRefusedBeforeAnythingRuns() {
    int fenceRows = jdbc.queryForObject("SELECT COUNT(*) FROM settle_tcc_fence", Integer.class);
    List<Account> before = demo.accounts();

    assertThatThrownBy(() -> transfers.transfer("bob", "dave", -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("amount must be positive, was -5");
    assertThatThrownBy(() -> transfers.transfer("bob", "dave", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("amount must be positive, was 0");
    assertThatThrownBy(() -> transfers.transfer("bob", "zed", 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown account \"zed\": no bank holds it");
    assertThatThrownBy(() -> transfers.transfer("nobody", "dave", 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown account \"nobody\": no bank holds it");
    assertThatThrownBy(() -> transfers.transfer("bob", "bob", 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot transfer from account bob to itself");

    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM settle_tcc_fence", Integer.class)).isEqualTo(fenceRows);
    assertThat(demo.accounts()).isEqualTo(before);
  }

  @Test
  void healthIsUpAndTheEndpointListsNothingUnfinished() {
    assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
    assertThat(endpoint.unfinished()).containsEntry("unfinished", List.of()).containsEntry("inDoubt", 0);
    Outcome refused = summary.results().get(2).outcome(); // carol -> frank 100
    assertThat(endpoint.explain(refused.transactionId().value()))
        .containsEntry("outcome", "rolled-back")
        .containsEntry("failedBranch", "debit");
    assertThat(endpoint.explain("not-an-id")).isNull();
  }

  @Test
  void theStarterMetersTheCoordinatorsBranchCalls() {
    // 20 Tries on each side per demo run; other tests may have run more.
    assertThat(calls("result", "ok")).isGreaterThanOrEqualTo(33);
    assertThat(calls("result", "failed")).isGreaterThanOrEqualTo(7);
    // One timer per bank: the participant tag is the bank's name.
    assertThat(calls("participant", "north")).isPositive();
    assertThat(calls("participant", "south")).isPositive();
    assertThat(meters.get("settle.branch.phase.two").tags("protocol", "tcc").counters()).isNotEmpty();
  }

  /** TCC Tries whose timers carry {@code tags}, summed over every other tag. */
  private long calls(String... tags) {
    return meters.get("settle.branch.calls").tag("protocol", "tcc").tags(tags).timers().stream()
        .mapToLong(t -> t.count())
        .sum();
  }

  private Map<String, String> fenceRows(TransactionId tx) {
    return jdbc.queryForList("SELECT branch_id, state FROM settle_tcc_fence WHERE tx_id = ?", tx.value()).stream()
        .collect(Collectors.toMap(row -> (String) row.get("BRANCH_ID"), row -> (String) row.get("STATE")));
  }
}
