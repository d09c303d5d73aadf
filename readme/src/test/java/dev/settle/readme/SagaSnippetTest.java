package dev.settle.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.saga.SagaCoordinator;
import dev.settle.saga.SagaDefinition;
import dev.settle.saga.spi.SagaKey;
import dev.settle.saga.SagaRequest;
import org.junit.jupiter.api.Test;

/** The README's saga example, on two in-memory banks. */
class SagaSnippetTest {
  @Test
  void theExampleMovesTheMoney() {
    Bank shard1 = new Bank(100, 0);
    Bank shard2 = new Bank(100, 0);
    TransactionLog log = new InMemoryTransactionLog();

    // readme:begin saga
    SagaKey<Long> AMOUNT = SagaKey.ofLong("amount");
    SagaDefinition transfer = SagaDefinition.builder("transfer")
        .step("debit",  ctx -> shard1.debit("A", ctx.get(AMOUNT)),  ctx -> shard1.credit("A", ctx.get(AMOUNT)))
        .step("credit", ctx -> shard2.credit("C", ctx.get(AMOUNT)), ctx -> shard2.debit("C", ctx.get(AMOUNT)))
        .build();
    SagaCoordinator sagas = SagaCoordinator.builder().log(log).definition(transfer).build();
    Outcome outcome = sagas.execute(SagaRequest.of(transfer).with(AMOUNT, 100L));
    // readme:end

    try (sagas) {
      assertThat(outcome).isInstanceOf(Outcome.Committed.class);
      assertThat(shard1.balance("A")).isZero();
      assertThat(shard2.balance("C")).isEqualTo(100);
    }
  }
}
