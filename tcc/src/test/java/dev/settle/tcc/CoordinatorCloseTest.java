package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.LogClaimedException;
import dev.settle.core.Outcome;
import dev.settle.core.log.InMemoryTransactionLog;
import org.junit.jupiter.api.Test;

/** Closing a coordinator gives its log claim up, so a successor can be built on the same log. */
class CoordinatorCloseTest {
  private static final TccParticipant NOOP =
      new TccParticipant() {
        @Override
        public String name() {
          return "noop";
        }

        @Override
        public void tryReserve(TccContext context) {}

        @Override
        public void confirm(TccContext context) {}

        @Override
        public void cancel(TccContext context) {}
      };

  private static TccCoordinator build(InMemoryTransactionLog log) {
    return TccCoordinator.builder().log(log).participant(NOOP).build();
  }

  @Test
  void aClosedCoordinatorRefusesWorkAndLetsASuccessorClaimTheLog() {
    InMemoryTransactionLog log = new InMemoryTransactionLog();
    TccCoordinator first = build(log);
    assertThatThrownBy(() -> build(log)).isInstanceOf(LogClaimedException.class);

    first.close();
    first.close(); // idempotent

    assertThatThrownBy(() -> first.execute(TccTransaction.builder().branch("b", NOOP, "x").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(first::recover).isInstanceOf(IllegalStateException.class);
    TccCoordinator second = build(log);
    Outcome outcome = second.execute(TccTransaction.builder().branch("b", NOOP, "x").build());
    assertThat(outcome).isInstanceOf(Outcome.Committed.class);
  }
}
