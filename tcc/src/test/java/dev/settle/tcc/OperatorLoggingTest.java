package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.log.InMemoryTransactionLog;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, logging operators can use: what a TCC coordinator logs about its transactions is
 * under {@code dev.settle.tcc}, not under core's internal class names, with the transaction id in
 * the message.
 */
class OperatorLoggingTest {
  private final Logger tccLogger = (Logger) LoggerFactory.getLogger("dev.settle.tcc");
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = tccLogger.getLevel();
    tccLogger.setLevel(Level.INFO);
    captured.start();
    tccLogger.addAppender(captured);
  }

  @AfterEach
  void release() {
    tccLogger.detachAppender(captured);
    tccLogger.setLevel(before);
  }

  /** Confirms fail until told otherwise. */
  private static final class RefusingConfirm implements TccParticipant {
    volatile boolean refuse = true;

    @Override
    public String name() {
      return "shard";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      if (refuse) {
        throw new IllegalStateException("shard unreachable");
      }
    }

    @Override
    public void cancel(TccContext context) {}
  }

  @Test
  void anInDoubtBranchIsAWarningUnderTheProtocolsLoggerNamingTheTransaction() {
    RefusingConfirm shard = new RefusingConfirm();
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(log)
            .participant(shard)
            .scheduler(d -> {})
            .phaseTwoRetry(RetryPolicy.none())
            .build();

    Outcome outcome = coordinator.execute(TccTransaction.builder().branch("b", shard, "x").build());

    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);
    String tx = outcome.transactionId().value();
    List<ILoggingEvent> warnings =
        captured.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertThat(warnings)
        .as("WARN lines under dev.settle.tcc: %s", captured.list)
        .anySatisfy(
            e -> {
              assertThat(e.getLoggerName()).isEqualTo("dev.settle.tcc");
              assertThat(e.getFormattedMessage()).contains(tx).contains("in doubt");
            });

    // The recovery that finishes it reports a summary at INFO under the same name.
    shard.refuse = false;
    coordinator.close();
    TccCoordinator restarted = TccCoordinator.builder().log(log).participant(shard).build();
    assertThat(restarted.recover()).singleElement().isInstanceOf(Outcome.Committed.class);
    assertThat(captured.list)
        .anySatisfy(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.INFO);
              assertThat(e.getLoggerName()).isEqualTo("dev.settle.tcc");
              assertThat(e.getFormattedMessage()).contains("recovery pass drove 1");
            });
    assertThat(captured.list)
        .extracting(ILoggingEvent::getLoggerName)
        .noneMatch(name -> name.startsWith("dev.settle.core.internal"));
    restarted.close();
  }
}
