package dev.settle.tcc;

import dev.settle.tcc.spi.TccParticipant;
import dev.settle.tcc.spi.TccContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.settle.core.Outcome;
import dev.settle.core.RetryPolicy;
import dev.settle.core.Scheduler;
import dev.settle.core.log.InMemoryTransactionLog;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code recoverEvery}: a coordinator finishes what it left in doubt by itself, until closed. */
class RecoverEveryTest {
  /** Confirms fail while {@code down} is set; remembers what it confirmed. */
  private static final class Flaky implements TccParticipant {
    final AtomicBoolean down = new AtomicBoolean(true);
    final Set<String> confirmed = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public void tryReserve(TccContext context) {}

    @Override
    public void confirm(TccContext context) {
      if (down.get()) {
        throw new IllegalStateException("confirm unavailable");
      }
      confirmed.add(context.transactionId().value());
    }

    @Override
    public void cancel(TccContext context) {}
  }

  @Test
  void anInDoubtTransactionIsFinishedInTheBackgroundAndClosingStopsThePasses() throws Exception {
    Flaky flaky = new Flaky();
    AtomicInteger waits = new AtomicInteger();
    Scheduler system = Scheduler.system();
    TccCoordinator coordinator =
        TccCoordinator.builder()
            .log(new InMemoryTransactionLog())
            .participant(flaky)
            .phaseTwoRetry(RetryPolicy.none())
            .recoverEvery(Duration.ofMillis(20))
            .scheduler(delay -> {
              waits.incrementAndGet(); // the loop waits with the injected scheduler
              system.pause(delay);
            })
            .build();
    Outcome outcome = coordinator.execute(TccTransaction.builder().branch("b", flaky, "x").build());
    assertThat(outcome).isInstanceOf(Outcome.InDoubt.class);

    flaky.down.set(false);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!flaky.confirmed.contains(outcome.transactionId().value())) {
      assertThat(System.nanoTime()).as("the background pass never confirmed it").isLessThan(deadline);
      Thread.sleep(10);
    }

    assertThat(waits.get()).isPositive();

    coordinator.close();
    int afterClose = waits.get();
    Thread.sleep(200); // ten intervals: a loop still running would have waited again
    assertThat(waits.get()).as("waits after close").isEqualTo(afterClose);
  }

  @Test
  void anIntervalThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> TccCoordinator.builder().recoverEvery(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recoverEvery");
    assertThatThrownBy(() -> TccCoordinator.builder().recoverEvery(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TccCoordinator.builder().recoverEvery(null))
        .hasMessageContaining("recoverEvery");
  }
}
