package dev.settle.core.log.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Decision;
import dev.settle.core.LogClaimedException;
import dev.settle.core.TransactionId;
import dev.settle.core.log.InMemoryTransactionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What a {@link TransactionLog} implementer gets for free: a decorator that passes every call on
 * (so that wrapping a log, for metrics or faults, changes nothing else), and the default claim,
 * one coordinator per protocol per log object, with a claim that names its holder.
 */
class TransactionLogSpiTest {
  private final TransactionId tx = TransactionId.of("tx-1");

  /** A shared log's answers, which differ from every default, to see that they are passed on. */
  private static final class SharedLike implements TransactionLog {
    final List<String> calls = new ArrayList<>();

    @Override
    public void append(List<LogRecord> records, boolean force) {
      calls.add("append " + records.size() + " " + force);
    }

    @Override
    public void replay(Consumer<LogRecord> sink) {
      calls.add("replay");
      sink.accept(new LogRecord.End(TransactionId.of("replayed")));
    }

    @Override
    public void replayHistory(Consumer<LogRecord> sink) {
      calls.add("replayHistory");
      sink.accept(new LogRecord.End(TransactionId.of("history")));
    }

    @Override
    public boolean replaysEveryTransaction() {
      return false;
    }

    @Override
    public Optional<Decision> decision(TransactionId transactionId) {
      calls.add("decision " + transactionId);
      return Optional.of(Decision.COMMIT);
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  @Test
  void aForwardingLogPassesEveryCallOn() {
    SharedLike inner = new SharedLike();
    TransactionLog wrapped = new ForwardingTransactionLog(inner) {};
    List<LogRecord> seen = new ArrayList<>();

    wrapped.append(List.of(new LogRecord.End(tx)), true);
    wrapped.replay(seen::add);
    wrapped.replayHistory(seen::add);
    assertThat(wrapped.replaysEveryTransaction()).isFalse();
    assertThat(wrapped.decision(tx)).contains(Decision.COMMIT);
    wrapped.close();

    assertThat(inner.calls).containsExactly("append 1 true", "replay", "replayHistory", "decision tx-1", "close");
    assertThat(seen)
        .extracting(LogRecord::transactionId)
        .containsExactly(TransactionId.of("replayed"), TransactionId.of("history"));
    assertThat(((ForwardingTransactionLog) wrapped).delegate()).isSameAs(inner);
    assertThat(new ForwardingTransactionLog(new InMemoryTransactionLog()) {}.replaysEveryTransaction()).isTrue();
  }

  @Test
  void aLogServesOneCoordinatorPerProtocolUntilItsClaimIsReleased() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    LogClaim tcc = log.claim("tcc", "coordinator A");
    assertThat(tcc.protocol()).isEqualTo("tcc");
    assertThat(tcc.owner()).isEqualTo("coordinator A");
    assertThat(tcc).hasToString("LogClaim[tcc by coordinator A]");

    assertThatThrownBy(() -> log.claim("tcc", "coordinator B"))
        .isInstanceOf(LogClaimedException.class)
        .hasMessageContaining("already serves a tcc coordinator (coordinator A)");
    LogClaim saga = log.claim("saga", "coordinator C"); // another protocol's transactions are its own
    assertThat(new InMemoryTransactionLog().claim("tcc", "coordinator D").owner()).isEqualTo("coordinator D");

    tcc.release();
    tcc.release(); // idempotent, and releases nobody else's claim
    LogClaim successor = log.claim("tcc", "coordinator B");
    tcc.release();
    assertThatThrownBy(() -> log.claim("tcc", "coordinator E")).isInstanceOf(LogClaimedException.class);
    successor.release();
    saga.release();
  }

  @Test
  void aLogThatReplaysEverythingHasNoDecisionLookup() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TransactionLog plain =
        new TransactionLog() {
          @Override
          public void append(List<LogRecord> records, boolean force) {}

          @Override
          public void replay(Consumer<LogRecord> sink) {
            log.replay(sink);
          }

          @Override
          public void close() {}
        };
    assertThat(plain.replaysEveryTransaction()).isTrue();
    assertThatThrownBy(() -> plain.decision(tx))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("replays every transaction; fold its replay instead");
  }
}
