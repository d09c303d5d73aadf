package dev.settle.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import dev.settle.core.log.spi.LogRecord;
import dev.settle.core.log.spi.TransactionLog;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A log whose replay shows only some transactions (a shared log shows its instance's own) answers
 * decisions itself; the journal asks it rather than reading "not in my replay" as "no decision",
 * which under presumed abort would be a false roll back.
 */
class SharedLogDecisionTest {
  @Test
  void theJournalAsksALogThatDoesNotReplayEveryTransaction() {
    TransactionId elsewhere = new TransactionId("owned-by-another-node");
    TransactionLog partial =
        new TransactionLog() {
          @Override
          public void append(List<LogRecord> records, boolean force) {}

          @Override
          public void replay(Consumer<LogRecord> sink) {}

          @Override
          public boolean replaysEveryTransaction() {
            return false;
          }

          @Override
          public Optional<Decision> decision(TransactionId tx) {
            return tx.equals(elsewhere) ? Optional.of(Decision.COMMIT) : Optional.empty();
          }

          @Override
          public void close() {}
        };
    Journal journal = new Journal(partial, "tcc", new EventDispatcher(java.time.Clock.systemUTC(), java.util.List.of()));

    assertThat(journal.decisionFor(elsewhere)).isEqualTo(Decision.COMMIT);
    assertThat(journal.decisionFor(new TransactionId("unknown"))).isNull();
  }

  @Test
  void aLogThatReplaysEverythingIsReadByItsReplay() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    assertThat(log.replaysEveryTransaction()).isTrue();
    assertThatThrownBy(() -> log.decision(new TransactionId("t")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("fold its replay");
  }
}
