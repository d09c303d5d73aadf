package dev.settle.testkit;

import dev.settle.core.Coordinator;
import dev.settle.core.Decision;
import dev.settle.core.Outcome;
import dev.settle.core.TransactionId;
import dev.settle.core.event.EventType;
import dev.settle.core.event.TransactionEvent;
import dev.settle.core.log.spi.TransactionLog;
import dev.settle.tcc.TccTransaction;
import dev.settle.tcc.fence.InMemoryTccFence;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Listeners that throw errors must never change a transaction nor escape execute. (Until the
 * coordinators isolate listener errors themselves, see ListenerErrorSimulationTest, the world's
 * listener registered with the real coordinator is caught too.)
 */
class ListenerErrorsTest {
  /**
   * The planted bug: a wrapper that tells listeners of its own about every outcome, without
   * isolating them.
   */
  static final class NotifyingCoordinator<T> implements Coordinator<T> {
    private final Coordinator<T> inner;
    private final World world;

    NotifyingCoordinator(Coordinator<T> inner, World world) {
      this.inner = inner;
      this.world = world;
    }

    @Override
    public void close() {
      inner.close();
    }

    @Override
    public Outcome execute(T transaction) {
      Outcome outcome = inner.execute(transaction);
      world.listener().onEvent(
          new TransactionEvent(outcome.transactionId(), null, EventType.TRANSACTION_COMMITTED, world.clock().instant(), ""));
      return outcome;
    }

    @Override
    public List<Outcome> recover() {
      return inner.recover();
    }

    @Override
    public Optional<Decision> decisionFor(TransactionId transactionId) {
      return inner.decisionFor(transactionId);
    }
  }

  @Test
  void catchesAnOutcomeNotifierThatLetsListenerErrorsOut() {
    Catching.within1000Seeds(
        seed -> Simulation.withSeed(seed).faults(FaultPlan.none().withListenerError(0.02)).transactions(30),
        world ->
            new TccScenario(world, new InMemoryTccFence(world.clock(), Duration.ofMinutes(10))::protect) {
              @Override
              public Coordinator<TccTransaction> coordinator(World w, TransactionLog log) {
                return new NotifyingCoordinator<>(super.coordinator(w, log), w);
              }
            },
        "listener isolation");
  }
}
