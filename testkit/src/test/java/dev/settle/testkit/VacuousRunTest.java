package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.TccCoordinator;
import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A simulation in which nothing commits must not pass: the README scenario, wired with a
 * fence on the system clock, committed nothing in 10,000 transactions and still passed.
 */
class VacuousRunTest {
  /** A participant that reserves nothing and always agrees. */
  private static final class Agreeable implements TccParticipant {
    @Override
    public String name() {
      return "agreeable";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {}

    @Override
    public void cancel(TccContext context) {}
  }

  private static Function<World, Scenario<TccTransaction>> scenario(boolean worldClockFence) {
    return world -> {
      InMemoryTccFence fence = worldClockFence ? world.tccFence() : InMemoryTccFence.create();
      TccParticipant participant = world.faults().tcc(fence.protect(new Agreeable()));
      return new Scenario<>() {
        @Override
        public dev.settle.core.Coordinator<TccTransaction> coordinator(
            World w, dev.settle.core.log.spi.TransactionLog log) {
          return w.configure(TccCoordinator.builder()).log(log).participant(participant).build();
        }

        @Override
        public TccTransaction nextTransaction(World w) {
          return TccTransaction.builder().branch("b", participant, "x").build();
        }

        @Override
        public void checkInvariants(World w) {}
      };
    };
  }

  @Test
  void aFenceOnTheSystemClockCommitsNothingAndTheRunFailsSayingWhy() {
    assertThatThrownBy(() -> Simulation.withSeed(1).transactions(50).run(scenario(false)))
        .isInstanceOf(SimulationFailure.class)
        .hasMessageContaining("nothing committed")
        .hasMessageContaining("world.tccFence()")
        .hasMessageContaining("replay: Simulation.withSeed(1L)");
  }

  @Test
  void theWorldsFenceCommitsAndARunThatExpectsNothingMaySaySo() {
    SimulationResult result = Simulation.withSeed(1).transactions(50).run(scenario(true));
    assertThat(result.committed()).isEqualTo(50);

    SimulationResult refused =
        Simulation.withSeed(1).allowingNoCommits().transactions(50).run(scenario(false));
    assertThat(refused.committed()).isZero();
  }
}
