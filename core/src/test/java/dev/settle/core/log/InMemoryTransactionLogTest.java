package dev.settle.core.log;

import dev.settle.core.log.spi.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.TransactionId;
import dev.settle.core.TransactionLogException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryTransactionLogTest {
  private static List<LogRecord> history(TransactionId tx, boolean ended) {
    return ended
        ? List.of(new LogRecord.Begin(tx, "2pc", 0, 1), new LogRecord.Decided(tx, Decision.COMMIT), new LogRecord.End(tx))
        : List.of(new LogRecord.Begin(tx, "2pc", 0, 1), new LogRecord.Decided(tx, Decision.COMMIT));
  }

  @Test
  void compactionDropsEndedTransactionsAndKeepsUnfinishedOnes() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TransactionId done = TransactionId.of("done");
    TransactionId open = TransactionId.of("open");
    log.append(history(done, true), true);
    log.append(history(open, false), true);
    log.compact();
    assertThat(log.records()).hasSize(2).allMatch(r -> r.transactionId().equals(open));
    assertThat(LogReplay.unfinished(log, "2pc")).containsOnlyKeys(open);
  }

  @Test
  void memoryStaysBoundedInALongRun() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    for (int i = 0; i < 20_000; i++) {
      log.append(history(TransactionId.of("t" + i), true), false);
    }
    assertThat(log.size()).isLessThan(3 * 200);
  }

  @Test
  void unfinishedFiltersByProtocol() {
    InMemoryTransactionLog log = InMemoryTransactionLog.keepingHistory();
    log.append(new LogRecord.Begin(TransactionId.of("a"), "tcc", 0, 1), false);
    log.append(new LogRecord.Begin(TransactionId.of("b"), "saga", 0, 1), false);
    assertThat(LogReplay.unfinished(log, "saga")).containsOnlyKeys(TransactionId.of("b"));
  }

  @Test
  void aClosedLogRefusesAppends() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    log.close();
    assertThatThrownBy(() -> log.append(new LogRecord.End(TransactionId.of("x")), true))
        .isInstanceOf(TransactionLogException.class)
        .hasMessageContaining("closed");
  }
}
