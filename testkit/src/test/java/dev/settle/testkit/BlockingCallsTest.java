package dev.settle.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.settle.core.ParticipantTimeoutException;
import dev.settle.tcc.spi.TccContext;
import dev.settle.tcc.spi.TccParticipant;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Calls that block past their timeout, and the bounded-calls invariant. */
class BlockingCallsTest {
  /** A tight budget: 3 phase-two attempts within 5 s. */
  static final CallBudget TIGHT =
      new CallBudget(
          Duration.ofSeconds(1), Duration.ofSeconds(2), 3, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(100));

  /**
   * The planted bug: a client library between the coordinator and the network that retries a
   * timed-out call itself, after a long backoff of its own, hiding behind the participant interface.
   */
  static TccParticipant retryingClient(World world, TccParticipant remote) {
    return new TccParticipant() {
      @Override
      public String name() {
        return remote.name();
      }

      @Override
      public void tryReserve(TccContext ctx) {
        withRetries(() -> remote.tryReserve(ctx));
      }

      @Override
      public void confirm(TccContext ctx) {
        withRetries(() -> remote.confirm(ctx));
      }

      @Override
      public void cancel(TccContext ctx) {
        withRetries(() -> remote.cancel(ctx));
      }

      private void withRetries(Runnable call) {
        for (int attempt = 1; ; attempt++) {
          try {
            call.run();
            return;
          } catch (ParticipantTimeoutException e) {
            if (attempt == 5) {
              throw e;
            }
            world.tick(Duration.ofSeconds(30)); // the client's own backoff
          }
        }
      }
    };
  }

  @Test
  void theCoordinatorsStayWithinTheirBudgetWhenCallsBlock() {
    SimulationResult result =
        Simulation.withSeed(77)
            .faults(FaultPlan.none().withBlock(0.2))
            .budget(TIGHT)
            .crashEvery(23)
            .transactions(1_000)
            .run(TccScenario::fenced);
    assertThat(result.faults().blocked()).isPositive();
  }

  @Test
  void catchesAParticipantClientThatRetriesTimeoutsItself() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(FaultPlan.none().withBlock(0.2)).budget(TIGHT).transactions(30),
        world -> TccScenario.fenced(world, p -> retryingClient(world, p)),
        "bounded calls");
  }
}
